package crawl

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestFrontierOrder pushes and pops in random interleavings against a
// slice, with a memory bound small enough that most entries spill.
func TestFrontierOrder(t *testing.T) {
	for _, mem := range []int{1, 3, 64} {
		t.Run(fmt.Sprint("mem ", mem), func(t *testing.T) {
			f := &Frontier{Mem: mem, Dir: t.TempDir()}
			defer f.Close()
			var model []Entry
			rng := rand.New(rand.NewPCG(1, uint64(mem)))
			next := 0
			for range 20_000 {
				if rng.IntN(3) > 0 {
					e := Entry{URL: fmt.Sprint("http://h/", next), Depth: next % 7, From: fmt.Sprint("http://h/from", next%3), Kind: Kind(next % 3)}
					next++
					if err := f.Push(e); err != nil {
						t.Fatal(err)
					}
					model = append(model, e)
					continue
				}
				e, ok, err := f.Pop()
				if err != nil {
					t.Fatal(err)
				}
				if ok != (len(model) > 0) {
					t.Fatalf("Pop ok %v with %d waiting", ok, len(model))
				}
				if ok {
					if e != model[0] {
						t.Fatalf("Pop = %+v, want %+v", e, model[0])
					}
					model = model[1:]
				}
				if f.Len() != len(model) {
					t.Fatalf("Len %d, want %d", f.Len(), len(model))
				}
				if waiting := len(f.mem) - f.head; waiting > mem {
					t.Fatalf("%d entries in memory, more than %d", waiting, mem)
				}
			}
			for len(model) > 0 {
				e, ok, err := f.Pop()
				if err != nil || !ok || e != model[0] {
					t.Fatalf("Pop = %+v %v %v, want %+v", e, ok, err, model[0])
				}
				model = model[1:]
			}
		})
	}
}
