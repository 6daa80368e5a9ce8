package components

import (
	"fmt"
	"regexp"
	"slices"

	containerservice "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20241001"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
)

// Maintenance window limits (docs/azure-facts.md#upgrades-and-maintenance-windows).
const (
	// DefaultMaintenanceUTCOffset is the window's time zone: UTC.
	DefaultMaintenanceUTCOffset = "+00:00"
)

// MaintenanceWindow is a weekly window in which AKS may run one auto-upgrade
// channel. Outside it, that channel waits.
type MaintenanceWindow struct {
	// DayOfWeek is the window's day, Monday to Sunday. Required. Changed
	// in place, as is every field of a window.
	DayOfWeek string
	// StartTime is the window's start, "HH:MM" in UTCOffset. Required.
	// Changed in place.
	StartTime string
	// DurationHours is the window's length, 4-24. Default 4, the shortest
	// AKS accepts. Changed in place.
	DurationHours int
	// UTCOffset is the time zone of StartTime, "+HH:MM" or "-HH:MM", within
	// -12:00 and +14:00. Default DefaultMaintenanceUTCOffset. Changed in
	// place.
	UTCOffset string
	// IntervalWeeks runs the window every 1-4 weeks. Default 1. Changed in
	// place.
	IntervalWeeks int
}

var (
	weekdays        = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	startTimeForm   = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	utcOffsetForm   = regexp.MustCompile(`^[+-](0[0-9]|1[0-4]):[0-5][0-9]$`)
	maxNegativeHour = "-12:00"
)

func (w MaintenanceWindow) withDefaults() MaintenanceWindow {
	if w.DurationHours == 0 {
		w.DurationHours = azure.MinMaintenanceHours
	}
	if w.UTCOffset == "" {
		w.UTCOffset = DefaultMaintenanceUTCOffset
	}
	if w.IntervalWeeks == 0 {
		w.IntervalWeeks = 1
	}
	return w
}

// validate checks one defaulted window; field is its path.
func (w MaintenanceWindow) validate(fe *fieldErrors, field string) {
	if !slices.Contains(weekdays, w.DayOfWeek) {
		fe.add(field+".DayOfWeek", w.DayOfWeek, "must be a day of the week, Monday to Sunday")
	}
	if !startTimeForm.MatchString(w.StartTime) {
		fe.add(field+".StartTime", w.StartTime, `must be a time of day "HH:MM", such as "02:00"`)
	}
	if w.DurationHours < azure.MinMaintenanceHours || w.DurationHours > azure.MaxMaintenanceHours {
		fe.addf(field+".DurationHours", w.DurationHours, "must be between %d and %d: AKS needs at least %d hours to upgrade", azure.MinMaintenanceHours, azure.MaxMaintenanceHours, azure.MinMaintenanceHours)
	}
	if !utcOffsetForm.MatchString(w.UTCOffset) || (w.UTCOffset[0] == '-' && w.UTCOffset > maxNegativeHour) || (w.UTCOffset[0] == '+' && w.UTCOffset > "+14:00") {
		fe.add(field+".UTCOffset", w.UTCOffset, `must be "+HH:MM" or "-HH:MM" between -12:00 and +14:00`)
	}
	if w.IntervalWeeks < 1 || w.IntervalWeeks > 4 {
		fe.add(field+".IntervalWeeks", w.IntervalWeeks, "must be between 1 and 4")
	}
}

// newMaintenanceWindow schedules one channel of the cluster.
func (a ClusterArgs) newMaintenanceWindow(ctx *pulumi.Context, name, config string, w MaintenanceWindow, clusterName pulumi.StringInput, opts []pulumi.ResourceOption) error {
	_, err := containerservice.NewMaintenanceConfiguration(ctx, name, &containerservice.MaintenanceConfigurationArgs{
		ResourceGroupName: a.ResourceGroupName,
		ResourceName:      clusterName,
		ConfigName:        pulumi.String(config),
		MaintenanceWindow: &containerservice.MaintenanceWindowArgs{
			Schedule: &containerservice.ScheduleArgs{
				Weekly: &containerservice.WeeklyScheduleArgs{
					DayOfWeek:     pulumi.String(w.DayOfWeek),
					IntervalWeeks: pulumi.Int(w.IntervalWeeks),
				},
			},
			StartTime:     pulumi.String(w.StartTime),
			DurationHours: pulumi.Int(w.DurationHours),
			UtcOffset:     pulumi.String(w.UTCOffset),
		},
	}, opts...)
	if err != nil {
		return fmt.Errorf("maintenance window %s: %w", config, err)
	}
	return nil
}
