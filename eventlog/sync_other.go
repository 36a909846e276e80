//go:build !linux

package eventlog

import "errors"

// canSyncDir is false: the embedded server fsyncs each append itself.
const canSyncDir = false

func syncDir(string) error { return errors.New("eventlog: syncfs is not available on this system") }
