package mlog

import "testing"

func TestLevels(t *testing.T) {
	t.Cleanup(func() { SetLevel(LevelWarning) })
	if !Enabled(LevelWarning) || Enabled(LevelInfo) {
		t.Fatal("default level is not warning")
	}
	if !SetLevel(LevelDebug) || !Enabled(LevelInfo) || !Enabled(LevelDebug) || Enabled(LevelTrace) {
		t.Fatal("debug level enables the wrong levels")
	}
	if SetLevel("loud") || Enabled("loud") {
		t.Fatal("unknown level accepted")
	}
	// The webhook's call chain compiles and runs.
	New().WithName("handler").WithValues("pod", "p").Error("failed", nil)
}
