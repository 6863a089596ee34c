package report

import (
	"time"

	"github.com/fanout-dev/fanout/record"
)

// Consumer is w as a run's one consumer (pipeline.Config.Consume): it
// writes the results as Consume does, from the moment Consumer is called,
// stops the run when writing fails (OnError), and hands the run's summary
// to done when the results end. scrape and bench consume this way.
func (w *Writer) Consumer(done func(*Summary)) func(results <-chan record.Result, stop func(error)) error {
	start := time.Now()
	return func(results <-chan record.Result, stop func(error)) error {
		w.OnError = stop
		sum, err := w.Consume(results, start)
		done(sum)
		return err
	}
}
