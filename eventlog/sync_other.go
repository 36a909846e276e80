//go:build !linux

package eventlog

import "errors"

// canSyncDir is false: the embedded server fsyncs each append itself.
const canSyncDir = false

func syncDir(string) error { return errors.New("eventlog: syncfs is not available on this system") }

// tail is unused where syncDir is not available.
type tail struct{}

func newTail(string, string, *mark) *tail { return &tail{} }

func (*tail) sync(dir string) error { return syncDir(dir) }

func (*tail) close() {}
