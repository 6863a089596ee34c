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

// Tee is a Progress that tells every result to each of ps in turn, the
// nil ones left out: more than one watcher of a run's results (the bar and
// the --html page's aggregator).
func Tee(ps ...Progress) Progress {
	var live []Progress
	for _, p := range ps {
		if p != nil {
			live = append(live, p)
		}
	}
	return tee(live)
}

type tee []Progress

func (t tee) Add(r *record.Result) {
	for _, p := range t {
		p.Add(r)
	}
}
