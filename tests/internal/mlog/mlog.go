// Package mlog stands in for monis.app/mlog in the tests module only.
//
// It is replaced because monis.app/mlog is not served by the module proxy
// here. The workload-identity webhook uses it for logging only; the webhook's
// own logic (github.com/Azure/azure-workload-identity/pkg/webhook) is
// upstream's, compiled unchanged.
//
// What it implements is just what the webhook package references:
//
//   - New, and Logger's WithName, WithValues and Error (the handler's logger);
//   - the LogLevel type, its constants and Enabled (currentLogLevel, which picks
//     the proxy sidecar's --log-level).
//
// Logging goes to log/slog: a text handler on standard error, at the warning
// level unless SetLevel says otherwise, like mlog's default.
package mlog

import (
	"context"
	"log/slog"
	"os"
)

// LogLevel is a verbosity, as mlog names them. The strings are what the
// webhook passes on to the proxy sidecar's --log-level flag.
type LogLevel string

// The levels the webhook refers to, least verbose first.
const (
	LevelWarning LogLevel = "warning"
	LevelInfo    LogLevel = "info"
	LevelDebug   LogLevel = "debug"
	LevelTrace   LogLevel = "trace"
	LevelAll     LogLevel = "all"
)

// slogLevel maps a LogLevel to the slog level its messages are logged at.
// Trace and all are below slog's debug level.
func (l LogLevel) slogLevel() (slog.Level, bool) {
	switch l {
	case LevelWarning:
		return slog.LevelWarn, true
	case LevelInfo:
		return slog.LevelInfo, true
	case LevelDebug:
		return slog.LevelDebug, true
	case LevelTrace:
		return slog.LevelDebug - 4, true
	case LevelAll:
		return slog.LevelDebug - 8, true
	}
	return 0, false
}

var (
	level   = func() *slog.LevelVar { v := new(slog.LevelVar); v.Set(slog.LevelWarn); return v }()
	handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})
)

// SetLevel sets the global verbosity. It reports false, and changes nothing,
// for an unknown level.
func SetLevel(l LogLevel) bool {
	sl, ok := l.slogLevel()
	if ok {
		level.Set(sl)
	}
	return ok
}

// Enabled says whether messages at level l are logged.
func Enabled(l LogLevel) bool {
	sl, ok := l.slogLevel()
	return ok && handler.Enabled(context.Background(), sl)
}

// Logger is the subset of mlog's logger the webhook uses, plus the other
// levels, so that a logger is usable on its own.
type Logger interface {
	Error(msg string, err error, keysAndValues ...any)
	Warning(msg string, keysAndValues ...any)
	Info(msg string, keysAndValues ...any)
	Debug(msg string, keysAndValues ...any)
	WithName(name string) Logger
	WithValues(keysAndValues ...any) Logger
}

// New returns a logger with no name and no values.
func New() Logger { return logger{l: slog.New(handler)} }

type logger struct {
	l    *slog.Logger
	name string
}

func (g logger) log(sl slog.Level, msg string, keysAndValues ...any) {
	if g.name != "" {
		keysAndValues = append([]any{"logger", g.name}, keysAndValues...)
	}
	g.l.Log(context.Background(), sl, msg, keysAndValues...)
}

func (g logger) Error(msg string, err error, keysAndValues ...any) {
	g.log(slog.LevelError, msg, append([]any{"error", err}, keysAndValues...)...)
}

func (g logger) Warning(msg string, keysAndValues ...any) {
	g.log(slog.LevelWarn, msg, keysAndValues...)
}

func (g logger) Info(msg string, keysAndValues ...any) {
	g.log(slog.LevelInfo, msg, keysAndValues...)
}

func (g logger) Debug(msg string, keysAndValues ...any) {
	g.log(slog.LevelDebug, msg, keysAndValues...)
}

// WithName appends name to the logger's name, dot-separated.
func (g logger) WithName(name string) Logger {
	if g.name != "" {
		name = g.name + "." + name
	}
	return logger{l: g.l, name: name}
}

func (g logger) WithValues(keysAndValues ...any) Logger {
	return logger{l: g.l.With(keysAndValues...), name: g.name}
}
