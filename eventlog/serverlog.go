package eventlog

import (
	"context"
	"fmt"
	"log/slog"
)

// serverLogger adapts a *slog.Logger to the embedded nats-server's logger.
// Notices (routine startup lines) go to Debug so that the library stays
// quiet unless asked; warnings and errors keep their level.
type serverLogger struct{ log *slog.Logger }

func (s serverLogger) Noticef(format string, v ...any) { s.emit(slog.LevelDebug, format, v) }
func (s serverLogger) Warnf(format string, v ...any)   { s.emit(slog.LevelWarn, format, v) }
func (s serverLogger) Fatalf(format string, v ...any)  { s.emit(slog.LevelError, format, v) }
func (s serverLogger) Errorf(format string, v ...any)  { s.emit(slog.LevelError, format, v) }
func (s serverLogger) Debugf(format string, v ...any)  { s.emit(slog.LevelDebug, format, v) }
func (s serverLogger) Tracef(format string, v ...any)  { s.emit(slog.LevelDebug, format, v) }

func (s serverLogger) emit(level slog.Level, format string, v []any) {
	ctx := context.Background()
	if !s.log.Enabled(ctx, level) {
		return
	}
	s.log.Log(ctx, level, "NATS server", "detail", fmt.Sprintf(format, v...))
}
