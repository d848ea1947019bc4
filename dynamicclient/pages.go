package dynamicclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
)

// The paging policy. The requests of a pager are sent with client-go's own
// retries off (rest.Request.MaxRetries(0)), which would otherwise try a 429
// ten more times inside each of the pager's tries: the pager is the one
// place that decides.
const (
	// maxTries is how many times one page is asked for while the server
	// answers "come back later" (see retryDelay).
	maxTries = 5
	// maxRestarts is how many times one list starts again from its first
	// page after a continue token expired and the server sent no new one.
	maxRestarts = 3
	// defaultRetryDelay is the wait before another try when the server
	// names none, as client-go waits after a dropped connection.
	defaultRetryDelay = time.Second
)

// fetchFunc gets one page for opts and returns it with its list metadata:
// its continue token and, when the server counts them, the objects that
// remain after it.
type fetchFunc[T any] func(ctx context.Context, opts metav1.ListOptions) (T, metav1.ListMeta, error)

// pager lists one resource page by page, T being the type of a page. It
// survives what a long list meets on a real cluster: a 429 of priority and
// fairness (or a 5xx with Retry-After, or a dropped connection) is tried
// again after the delay the server asks for, and a continue token that
// expired (410, etcd compacted the revision the list was reading) is
// replaced by the one the server sends for an inconsistent continuation, or
// the list starts again from the beginning, skipping the objects already
// handed on. Either way the list goes on with one warning.
type pager[T any] struct {
	// resource names the resource in warnings ("configmaps", "jobs.batch").
	resource string
	// fetch gets one page.
	fetch fetchFunc[T]
	// keys are the namespace/name keys of a page's objects, in order.
	keys func(T) []string
	// filter is the page with only the objects for which keep(i) is true.
	filter func(page T, keep func(i int) bool) T
	// warnings receives the warning of an expired continue token; nil
	// discards it.
	warnings io.Writer
	// wait sleeps for d or until ctx ends, returning ctx's error then.
	wait func(ctx context.Context, d time.Duration) error
}

// list fetches pages one after the other, calling fn for each in order
// while the next one is fetched. With opts.Limit 0 there is one request. At
// most two pages are held: the one fn has and the one being fetched. It
// returns once the goroutine that fetches has ended.
func (p *pager[T]) list(ctx context.Context, opts metav1.ListOptions, fn func(T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	type page struct {
		v   T
		err error
	}
	ch := make(chan page)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ch)
		p.produce(ctx, opts, func(v T, err error) bool {
			select {
			case ch <- page{v: v, err: err}:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	defer func() {
		cancel()
		<-done
	}()
	for pg := range ch {
		if pg.err != nil {
			return pg.err
		}
		if err := fn(pg.v); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// listState is what one list remembers from page to page.
type listState struct {
	// seen holds the keys of the objects handed on so far, to skip them if
	// the list must start again. Only lists of more than one page fill it,
	// with one short string per object: it is bounded by the object count
	// of the list, which the printers of kdx stream rather than hold.
	seen map[string]struct{}
	// restarted says that the list started again: objects in seen are
	// dropped from the pages that follow.
	restarted bool
	// restarts counts the new starts, up to maxRestarts.
	restarts int
	// warned says that the list's one warning was written.
	warned bool
	// tokens are the continue tokens the server sent since the list
	// (re)started, and pages the pages it sent.
	tokens map[string]struct{}
	pages  int64
	// maxPages is the most pages the server's count of the objects that
	// remain allows (0: it sent none); minPages is the page that set it,
	// remaining and limit what it was computed from.
	maxPages, minPages, remaining int64
}

// next checks the continue token of a page of o.Limit objects and the
// count of the objects that remain after it, against those of the pages
// before it: a server that sends a token twice, or more pages than its
// count allows, would page forever.
func (st *listState) next(resource string, o metav1.ListOptions, meta metav1.ListMeta) error {
	st.pages++
	if _, seen := st.tokens[meta.Continue]; seen || meta.Continue == o.Continue {
		return fmt.Errorf("the server sent the same continue token twice while listing %s: stopped after %d pages, which would repeat forever", resource, st.pages)
	}
	if st.tokens == nil {
		st.tokens = map[string]struct{}{}
	}
	st.tokens[meta.Continue] = struct{}{}
	if st.maxPages > 0 && st.pages > st.maxPages {
		return fmt.Errorf("the server sent more pages of %s than its count of the objects that remained allowed (at most %d, as page %d said %d remained in pages of %d): stopped after %d pages",
			resource, st.maxPages, st.minPages, st.remaining, o.Limit, st.pages)
	}
	if r := meta.RemainingItemCount; r != nil && *r >= 0 {
		// The pages that hold the rest, and one more: the count is an
		// estimate, says the API.
		if bound := st.pages + (*r+o.Limit-1)/o.Limit + 1; st.maxPages == 0 || bound < st.maxPages {
			st.maxPages, st.minPages, st.remaining = bound, st.pages, *r
		}
	}
	return nil
}

// restart forgets the tokens and counts of the pages before a list goes on
// from a new snapshot.
func (st *listState) restart() {
	st.tokens, st.pages, st.maxPages, st.minPages, st.remaining = nil, 0, 0, 0, 0
}

// produce fetches the pages of one list and sends each (or the error that
// ends the list); it stops when send returns false.
func (p *pager[T]) produce(ctx context.Context, opts metav1.ListOptions, send func(T, error) bool) {
	o := opts
	var st listState
	for {
		v, meta, err := p.fetchPage(ctx, o)
		if err != nil && o.Continue != "" && apierrors.IsResourceExpired(err) {
			if p.resume(&st, &o, err) {
				st.restart()
				continue
			}
		}
		if err != nil {
			send(v, err)
			return
		}
		more := meta.Continue != "" && o.Limit > 0
		if more || st.restarted {
			v = p.unseen(&st, v)
		}
		var nextErr error
		if more {
			nextErr = st.next(p.resource, o, meta)
		}
		if !send(v, nil) || !more {
			return
		}
		if nextErr != nil {
			send(v, nextErr)
			return
		}
		o.Continue = meta.Continue
	}
}

// resume sets o to go on after its continue token expired with err: with
// the token err carries (the server's offer of an inconsistent
// continuation) or, without one, from the first page again. It warns once
// per list, and says false when the list has started again too often.
func (p *pager[T]) resume(st *listState, o *metav1.ListOptions, err error) bool {
	token := ""
	if se := apierrors.APIStatus(nil); errors.As(err, &se) {
		token = se.Status().Continue
	}
	if token == "" && st.restarts == maxRestarts {
		return false
	}
	if !st.warned && p.warnings != nil {
		fmt.Fprintln(p.warnings, p.expiredWarning(token != ""))
	}
	st.warned = true
	if token != "" {
		o.Continue = token
		return true
	}
	st.restarts++
	st.restarted = true
	o.Continue = ""
	return true
}

// expiredWarning is the warning of an expired continue token.
func (p *pager[T]) expiredWarning(continued bool) string {
	how := "the rest was read as it is now"
	if !continued {
		how = "it was read again from the start, skipping the objects already shown"
	}
	return fmt.Sprintf("Warning: the list of %s took longer than the server keeps its history (the continue token expired); %s, "+
		"so objects created, changed or deleted meanwhile may be missing or in an older state", p.resource, how)
}

// unseen drops from v the objects already handed on (after a restart) and
// remembers the keys of the rest.
func (p *pager[T]) unseen(st *listState, v T) T {
	keys := p.keys(v)
	if st.restarted {
		dup := func(k string) bool {
			_, ok := st.seen[k]
			return ok && k != "" // an object without a key is never dropped
		}
		v = p.filter(v, func(i int) bool { return !dup(keys[i]) })
		kept := keys[:0]
		for _, k := range keys {
			if !dup(k) {
				kept = append(kept, k)
			}
		}
		keys = kept
	}
	if st.seen == nil {
		st.seen = make(map[string]struct{}, len(keys))
	}
	for _, k := range keys {
		st.seen[k] = struct{}{}
	}
	return v
}

// fetchPage fetches one page, trying again after the delay the server asks
// for, up to maxTries times and never past ctx.
func (p *pager[T]) fetchPage(ctx context.Context, o metav1.ListOptions) (T, metav1.ListMeta, error) {
	for try := 1; ; try++ {
		v, meta, err := p.fetch(ctx, o)
		d, again := retryDelay(err)
		if !again || try == maxTries {
			return v, meta, err
		}
		if werr := p.wait(ctx, d); werr != nil {
			return v, meta, werr
		}
	}
}

// retryDelay says whether a failed list request is worth another try, and
// after how long: what client-go's rest client retries for a GET, which the
// pager's requests turn off. That is an answer asking for a delay (a 429 of
// priority and fairness, a 5xx with Retry-After, a server timeout) and a
// connection dropped on the way (a GET can be sent again).
func retryDelay(err error) (time.Duration, bool) {
	if err == nil {
		return 0, false
	}
	if s, ok := apierrors.SuggestsClientDelay(err); ok && s > 0 {
		return time.Duration(s) * time.Second, true
	} else if ok {
		return defaultRetryDelay, true
	}
	if apierrors.IsTooManyRequests(err) || utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err) || utilnet.IsHTTP2ConnectionLost(err) {
		return defaultRetryDelay, true
	}
	return 0, false
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
