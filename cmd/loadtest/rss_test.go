package main

import (
	"net"
	"os"
	"testing"
	"time"
)

func TestProcReadersReadThisProcess(t *testing.T) {
	rss, hwm, err := memory(os.Getpid())
	if err != nil || rss <= 0 || hwm < rss {
		t.Errorf("memory: rss %d kB, hwm %d kB, %v", rss, hwm, err)
	}
	before, err := cpuTicks(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
	}
	if after, err := cpuTicks(os.Getpid()); err != nil || after < before {
		t.Errorf("cpuTicks went from %d to %d, %v", before, after, err)
	}
}

func TestListenerFindsThisProcess(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	pid, err := listener(l.Addr().(*net.TCPAddr).Port)
	if err != nil || pid != os.Getpid() {
		t.Errorf("listener found pid %d, %v; want this test's pid %d", pid, err, os.Getpid())
	}
}
