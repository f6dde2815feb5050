package dbtest

import (
	"testing"
	"time"
)

// TestLimit: a holder past the bound waits until another lets go, a key that holds the
// limit takes it again without waiting, and a wait that runs out goes on over the bound.
func TestLimit(t *testing.T) {
	t.Parallel()
	l := newLimit(2, time.Hour)
	releaseA, _ := l.acquire("a")
	releaseB, _ := l.acquire("b")
	releaseA2, over := l.acquire("a") // a holds it already: no wait
	if over {
		t.Error("a key that holds the limit went over it")
	}
	got := make(chan bool)
	go func() {
		release, over := l.acquire("c")
		got <- over
		release()
	}()
	select {
	case <-got:
		t.Fatal("a third key held the limit of 2")
	case <-time.After(50 * time.Millisecond):
	}
	releaseA2()
	select {
	case <-got:
		t.Fatal("a third key held the limit while a still held it once")
	case <-time.After(50 * time.Millisecond):
	}
	releaseA()
	if over := <-got; over {
		t.Error("the third key went over the bound after a let go")
	}
	releaseB()

	short := newLimit(1, 10*time.Millisecond)
	release, _ := short.acquire("x")
	defer release()
	releaseY, over := short.acquire("y")
	if !over {
		t.Error("a wait that ran out is not said to be over the bound")
	}
	releaseY()
}
