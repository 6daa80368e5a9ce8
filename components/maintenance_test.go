package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
)

func TestMaintenanceWindowsValidate(t *testing.T) {
	t.Parallel()
	window := func(f func(*MaintenanceWindow)) func(*ClusterArgs) {
		return func(a *ClusterArgs) {
			w := MaintenanceWindow{DayOfWeek: "Sunday", StartTime: "01:00"}
			f(&w)
			a.NodeOSUpgradeWindow = &w
		}
	}
	tests := []validateCase[ClusterArgs]{
		{"valid defaults", window(func(*MaintenanceWindow) {}), nil},
		{"valid full", window(func(w *MaintenanceWindow) { w.DurationHours, w.UTCOffset, w.IntervalWeeks = 24, "-12:00", 4 }), nil},
		{"valid far east", window(func(w *MaintenanceWindow) { w.UTCOffset = "+14:00" }), nil},
		{"day", window(func(w *MaintenanceWindow) { w.DayOfWeek = "sunday" }), []string{`NodeOSUpgradeWindow.DayOfWeek "sunday": must be a day of the week`}},
		{"start time form", window(func(w *MaintenanceWindow) { w.StartTime = "1:00" }), []string{`NodeOSUpgradeWindow.StartTime "1:00"`}},
		{"start time hour", window(func(w *MaintenanceWindow) { w.StartTime = "24:00" }), []string{`NodeOSUpgradeWindow.StartTime "24:00"`}},
		{"duration short", window(func(w *MaintenanceWindow) { w.DurationHours = 3 }), []string{"NodeOSUpgradeWindow.DurationHours 3: must be between 4 and 24"}},
		{"duration long", window(func(w *MaintenanceWindow) { w.DurationHours = 25 }), []string{"NodeOSUpgradeWindow.DurationHours 25"}},
		{"offset form", window(func(w *MaintenanceWindow) { w.UTCOffset = "UTC" }), []string{`NodeOSUpgradeWindow.UTCOffset "UTC"`}},
		{"offset west of -12", window(func(w *MaintenanceWindow) { w.UTCOffset = "-12:30" }), []string{`NodeOSUpgradeWindow.UTCOffset "-12:30"`}},
		{"offset east of +14", window(func(w *MaintenanceWindow) { w.UTCOffset = "+14:30" }), []string{`NodeOSUpgradeWindow.UTCOffset "+14:30"`}},
		{"interval", window(func(w *MaintenanceWindow) { w.IntervalWeeks = 5 }), []string{"NodeOSUpgradeWindow.IntervalWeeks 5: must be between 1 and 4"}},
		{"auto-upgrade window", func(a *ClusterArgs) { a.AutoUpgradeWindow = &MaintenanceWindow{} }, []string{"AutoUpgradeWindow.DayOfWeek", "AutoUpgradeWindow.StartTime"}},
	}
	runValidateCases(t, validClusterArgs, ClusterArgs.Validate, tests)
}

// TestMaintenanceWindowsScheduleTheirChannels: each window is a
// MaintenanceConfiguration of the cluster, named as AKS names the channel's
// schedule, with the defaults filled in.
func TestMaintenanceWindowsScheduleTheirChannels(t *testing.T) {
	t.Parallel()
	rec := clusterRun(t, &ClusterArgs{
		ResourceGroupName:   pulumi.String("rg"),
		AutoUpgradeWindow:   &MaintenanceWindow{DayOfWeek: "Sunday", StartTime: "01:00", DurationHours: 6, UTCOffset: "+02:00"},
		NodeOSUpgradeWindow: &MaintenanceWindow{DayOfWeek: "Saturday", StartTime: "23:30"},
	})
	clusterName := mustFind(t, rec, ":ManagedCluster", "aks").State["name"].StringValue()
	auto := mustFind(t, rec, ":MaintenanceConfiguration", "aks-auto-upgrade-window")
	wantInput(t, auto, "configName", azure.AutoUpgradeScheduleName)
	wantInput(t, auto, "resourceName", clusterName)
	wantInput(t, auto, "maintenanceWindow.schedule.weekly.dayOfWeek", "Sunday")
	wantInput(t, auto, "maintenanceWindow.schedule.weekly.intervalWeeks", 1.0)
	wantInput(t, auto, "maintenanceWindow.startTime", "01:00")
	wantInput(t, auto, "maintenanceWindow.durationHours", 6.0)
	wantInput(t, auto, "maintenanceWindow.utcOffset", "+02:00")
	nodeOS := mustFind(t, rec, ":MaintenanceConfiguration", "aks-node-os-upgrade-window")
	wantInput(t, nodeOS, "configName", azure.NodeOSUpgradeScheduleName)
	wantInput(t, nodeOS, "maintenanceWindow.durationHours", float64(azure.MinMaintenanceHours))
	wantInput(t, nodeOS, "maintenanceWindow.utcOffset", DefaultMaintenanceUTCOffset)

	none := clusterRun(t, &ClusterArgs{ResourceGroupName: pulumi.String("rg")})
	for _, r := range none.Resources() {
		if r.Type == "azure-native:containerservice/v20241001:MaintenanceConfiguration" {
			t.Errorf("a cluster without windows has %s", r.Name)
		}
	}
}
