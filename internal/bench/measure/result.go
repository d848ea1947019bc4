package main

import (
	"fmt"
	"slices"
	"time"
)

// Result summarizes the measured runs.
type Result struct {
	// Median, Min and Max are wall times.
	Median, Min, Max time.Duration
	// MedianRSS is the median peak RSS in bytes.
	MedianRSS int64
	// OutputBytes is the size of the first warm-up run's output, -1 without one.
	OutputBytes int64
}

// String returns the result line:
// "ok MEDIAN_S MEDIAN_RSS_MB MIN_S MAX_S OUTPUT_BYTES".
func (r Result) String() string {
	return fmt.Sprintf("ok %.3f %.1f %.3f %.3f %d", r.Median.Seconds(), float64(r.MedianRSS)/(1<<20), r.Min.Seconds(), r.Max.Seconds(), r.OutputBytes)
}

// Summarize returns the medians and extremes of samples, which must not be empty.
func Summarize(samples []Sample) Result {
	walls := make([]time.Duration, len(samples))
	rss := make([]int64, len(samples))
	for i, s := range samples {
		walls[i], rss[i] = s.Wall, s.MaxRSS
	}
	slices.Sort(walls)
	return Result{Median: median(walls), Min: walls[0], Max: walls[len(walls)-1], MedianRSS: median(rss)}
}

// median returns the middle of values, or the mean of the two middle ones.
func median[T time.Duration | int64](values []T) T {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
