package pbxsim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/wallboard/wallboard/wildix/pbxsim"
)

// A fixed seed and clock give a reproducible stream of Wildix events.
func ExampleSim_Next() {
	sim := pbxsim.New(pbxsim.Options{
		Seed: 1,
		Now:  func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) },
	})
	fmt.Println(len(sim.Initial()), "initial presence events")
	for range 6 {
		at, body := sim.Next()
		var e struct {
			Type string
			Data struct{ Extension, Status string }
		}
		if err := json.Unmarshal(body, &e); err != nil {
			panic(err)
		}
		fmt.Println(strings.Join(strings.Fields(fmt.Sprint(at.Format(time.TimeOnly), " ", e.Type, " ", e.Data.Extension, " ", e.Data.Status)), " "))
	}
	// Output:
	// 96 initial presence events
	// 09:00:01 call:start CONNECTING
	// 09:00:01 presence:telephony 239 talking
	// 09:00:01 call:update CONNECTING
	// 09:00:02 call:start CONNECTING
	// 09:00:02 call:live:progress
	// 09:00:03 call:live:progress
}

// Run paces the simulation in real time and Poster delivers each event as
// a signed webhook, as a Wildix PBX would.
func ExampleSim_Run() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sim := pbxsim.New(pbxsim.Options{Users: 60, Rate: 1})
	send := pbxsim.Poster(&http.Client{Timeout: 5 * time.Second}, "http://127.0.0.1:8080/webhooks/wildix", []byte("secret"))
	if err := sim.Run(ctx, send); err != nil {
		fmt.Println(err)
	}
}
