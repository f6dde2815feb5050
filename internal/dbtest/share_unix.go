//go:build unix

package dbtest

import (
	"errors"
	"os"
	"syscall"
)

// slots keeps the slot files open: closing one would release its lock.
var slots []*os.File

// tryLock takes an exclusive lock on the file at path without waiting, and holds it until
// the process ends.
func tryLock(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return false, nil
		}
		return false, err
	}
	slots = append(slots, f)
	return true, nil
}
