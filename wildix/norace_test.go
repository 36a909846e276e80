//go:build !race

package wildix_test

const raceEnabled = false
