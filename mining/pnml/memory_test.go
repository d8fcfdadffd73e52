package pnml

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/mining/petri"
)

// TestReadMemory reads a chain net of 20,000 transitions (4 MB of PNML)
// and checks that the live heap stays near the size of the net itself:
// Read hands each element to the builder as it closes instead of keeping a
// tree of the whole document (which took about 13 times the file's size).
func TestReadMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20,000-transition net")
	}
	const n = 20_000
	net := &petri.Net{Name: "chain"}
	for i := 0; i <= n; i++ {
		net.AddPlace(fmt.Sprintf("p%d", i))
	}
	for i := 0; i < n; i++ {
		tr := net.AddTransition(fmt.Sprintf("t%d", i), fmt.Sprintf("a%d", i), false)
		net.AddInput(i, tr)
		net.AddOutput(tr, i+1)
	}
	net.Initial, net.Final = petri.Marking{0: 1}, petri.Marking{n: 1}
	var doc bytes.Buffer
	if err := Write(&doc, net); err != nil {
		t.Fatal(err)
	}
	defer debug.SetGCPercent(debug.SetGCPercent(5)) // the peak is then mostly live data
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak.Store(max(peak.Load(), ms.HeapInuse))
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	got, err := Read(bytes.NewReader(doc.Bytes()))
	close(stop)
	wg.Wait()
	if err != nil || len(got.Arcs) != 2*n {
		t.Fatalf("%v, %d arcs", err, len(got.Arcs))
	}
	used := peak.Load() - min(base, peak.Load())
	t.Logf("%d bytes of PNML, peak heap %.1f MiB", doc.Len(), float64(used)/(1<<20))
	if limit := uint64(doc.Len()) * 4; used > limit {
		t.Errorf("reading %d bytes of PNML took %d MiB of heap, over %d MiB", doc.Len(), used>>20, limit>>20)
	}
}
