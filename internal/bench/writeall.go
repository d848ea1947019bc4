package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// WriteAll runs write for 0..count-1 on workers goroutines and returns when
// the last write finished, with the first error: the writers of the
// bench's load commands (watchload, waitload).
func WriteAll(ctx context.Context, count, workers int, write func(context.Context, int) error) (time.Time, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < count; i = int(next.Add(1) - 1) {
				if err := write(ctx, i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return time.Now(), <-errs
}
