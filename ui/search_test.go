package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/search"
)

// key sends one key and handles the messages that come until done says
// so (press waits until the app is idle, which a search under way is not).
func key(t *testing.T, a *App, k tea.KeyPressMsg, done func() bool) {
	t.Helper()
	_, cmd := a.Update(k)
	until(t, a, cmd, done)
}

// until is driveUntil, failing the test if done never says so.
func until(t *testing.T, a *App, cmd tea.Cmd, done func() bool) {
	t.Helper()
	driveUntil(t, a, cmd, done)
	if !done() {
		t.Fatalf("timed out; the screen:\n%s", screen(a))
	}
}

// release lets the fake's Grep read its next type.
func release(t *testing.T, f *fakeBackend) {
	t.Helper()
	select {
	case f.release <- struct{}{}:
	case <-time.After(10 * time.Second):
		t.Fatal("the search does not wait for the next type")
	}
}

// read says whether the search under way has read n types.
func read(a *App, n int) func() bool {
	return func() bool { return a.search != nil && a.search.read == n }
}

// typeText types text into the palette.
func typeText(a *App, text string) {
	for _, r := range text {
		a.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

var (
	enterKey = tea.KeyPressMsg{Code: tea.KeyEnter}
	escKey   = tea.KeyPressMsg{Code: tea.KeyEscape}
)

// shows says whether the screen holds s.
func shows(a *App, s string) func() bool {
	return func() bool { return strings.Contains(screen(a), s) }
}

// TestGrepMatchesArriveByType: the matches of each type are shown once it
// and the types before it are read, the title saying the search goes on
// and what it found so far; enter opens a match meanwhile, and the search
// goes on while its object is shown; the last screen is the one of the
// search shown at once (grep.golden, TestGrepMatchOpened's).
func TestGrepMatchesArriveByType(t *testing.T) {
	a, f := startAt(t, Options{Context: "kind-a", Namespace: "team-a"}, 140, 10)
	f.release = make(chan struct{})
	typeText(a, ":grep (nginx|hunter)")
	// configmaps, the first type, has no match; pods, the second, waits
	key(t, a, enterKey, shows(a, "(1/5 types)"))
	if s := screen(a); !strings.Contains(s, "Searching every type for (nginx|hunter)...") {
		t.Errorf("before a match, the page does not say it searches:\n%s", s)
	}
	release(t, f) // pods
	until(t, a, nil, shows(a, "(2/5 types)"))
	goldenScreen(t, "grep-partial", a)

	key(t, a, enterKey, shows(a, "pod/web-0 -n team-a"))
	if s := screen(a); !strings.Contains(s, "- image: nginx:1.27  <- cursor") {
		t.Errorf("enter on a match found so far did not open its object at the field:\n%s", s)
	}
	if a.search == nil || a.search.stopped {
		t.Fatalf("the search stopped when a match was opened")
	}
	key(t, a, escKey, shows(a, "(2/5 types)"))
	for range 3 { // secrets, deployments.apps, gadgets.example.com
		release(t, f)
	}
	until(t, a, nil, func() bool { return a.search == nil })
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 10})
	goldenScreen(t, "grep", a)
}

// grepCtxBackend hands the context of each search to ctxs.
type grepCtxBackend struct {
	*fakeBackend
	ctxs chan context.Context
}

func (b grepCtxBackend) Grep(ctx context.Context, m *search.Matcher, targets []discovery.Target, ns string, match func(GrepMatch), done func(int)) error {
	b.ctxs <- ctx
	return b.fakeBackend.Grep(ctx, m, targets, ns, match, done)
}

// grepCtx is the context of b's last search.
func grepCtx(t *testing.T, b grepCtxBackend) context.Context {
	t.Helper()
	select {
	case ctx := <-b.ctxs:
		return ctx
	case <-time.After(10 * time.Second):
		t.Fatal("no search")
		return nil
	}
}

// TestGrepStopsWhenLeft: esc leaves a search under way and ends its
// context; the page, shown again (]), says what was found before it
// stopped. Quitting stops one too.
func TestGrepStopsWhenLeft(t *testing.T) {
	f := newFake()
	f.release = make(chan struct{})
	b := grepCtxBackend{fakeBackend: f, ctxs: make(chan context.Context, 2)}
	a := start(t, b, Options{Context: "kind-a", Namespace: "team-a"}, 120, 8)
	typeText(a, ":grep (nginx|hunter)")
	key(t, a, enterKey, read(a, 1))
	ctx := grepCtx(t, b)
	r := a.search
	key(t, a, escKey, func() bool { return r.ended })
	if ctx.Err() == nil {
		t.Fatalf("esc did not end the search's context")
	}
	if s := screen(a); !strings.Contains(s, "api-resources: 7") {
		t.Errorf("esc did not go back home:\n%s", s)
	}
	press(t, a, "]")
	goldenScreen(t, "grep-stopped", a)

	typeText(a, ":grep nginx")
	key(t, a, enterKey, read(a, 1))
	ctx = grepCtx(t, b)
	if !press(t, a, "q") || ctx.Err() == nil {
		t.Errorf("q did not end the search's context")
	}
}

// TestGrepLinesBounded: past grepLimit lines, the matches are counted,
// not held: the page says how many more there are.
func TestGrepLinesBounded(t *testing.T) {
	defer func(n int) { grepLimit = n }(grepLimit)
	grepLimit = 2
	a, _ := startAt(t, Options{Context: "kind-a", Namespace: "team-a"}, 100, 10)
	press(t, a, ":", "grep (nginx|hunter)", "enter")
	goldenScreen(t, "grep-bounded", a)
	if p := a.overlay.(*textPage); len(p.lines) != 3 || p.links[2] != nil {
		t.Errorf("%d lines held, want the limit's 2 and the line that says the rest", len(p.lines))
	}
}
