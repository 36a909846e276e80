package wildix_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/wildix"
)

const company = "it_q200001"

// ms is the UTC time of an epoch in milliseconds.
func ms(n int64) time.Time { return time.UnixMilli(n).UTC() }

// mustRFC3339 parses an RFC 3339 time or fails the test.
func mustRFC3339(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t.UTC()
}

// mustReadFile returns the contents of testdata/name or fails the test.
func mustReadFile(tb testing.TB, name string) []byte {
	tb.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// mustDecodeFile decodes testdata/name or fails the test.
func mustDecodeFile(tb testing.TB, name string) wildix.Envelope {
	tb.Helper()
	env, err := wildix.Decode(mustReadFile(tb, name))
	if err != nil {
		tb.Fatalf("Decode(%s): %v", name, err)
	}
	return env
}

func TestTranslateFixtures(t *testing.T) {
	ada := board.Party{Local: true, Extension: "2101", Phone: "2101", Name: "Ada Lovelace",
		Email: "ada@example.org", Department: "Support", Group: "Helpdesk", Device: "XBEES_WEB"}
	edsger := board.Party{Local: true, Extension: "2104", Phone: "2104", Name: "Edsger Dijkstra", Department: "Sales"}
	liveStart := mustRFC3339(t, "2023-11-14T22:16:40.300Z")

	tests := []struct {
		file    string
		want    []board.Event
		wantErr error
	}{
		{
			file: "call_start.json",
			want: []board.Event{{Company: company, At: ms(1700000000500), Call: &board.CallUpsert{
				ID: "it_q200001_1700000000.42",
				Legs: []board.Leg{{
					Caller: ada, Direction: board.Outbound, State: board.LegRinging,
					Destination: "+442071234567", Trunk: "sip-uk",
				}},
			}}},
		},
		{
			file: "call_update.json",
			want: []board.Event{{Company: company, At: ms(1700000100900), Call: &board.CallUpsert{
				ID: "it_q200001_1700000100.7",
				Legs: []board.Leg{{
					Caller: board.Party{Local: true, Extension: "2101", Phone: "2101", Name: "Ada Lovelace",
						Email: "ada@example.org", Group: "Helpdesk", Device: "XBEES_WEB"},
					Callee: &board.Party{Local: true, Extension: "2102", Phone: "2102", Name: "Grace Hopper",
						Email: "grace@example.org", Department: "Engineering", Group: "Default"},
					Direction: board.Internal, State: board.LegRinging,
					Destination: "2102", Queue: "Sales", QueueID: "12",
				}},
				Tags: []string{"vip", "renewal"},
			}}},
		},
		{
			file: "call_end.json",
			want: []board.Event{{Company: company, At: ms(1700000160000),
				CallEnd: &board.CallEnd{ID: "it_q200001_1700000100.7", Cause: "User busy"}}},
		},
		{
			file: "call_live_start.json",
			want: []board.Event{{Company: company, At: ms(1700000200350), Call: &board.CallUpsert{
				ID:        "it_q200001_1700000200.1",
				StartedAt: liveStart,
				Legs: []board.Leg{{
					Caller: board.Party{Phone: "+33140000000", Name: "Claude Shannon"},
					Callee: &board.Party{Local: true, Extension: "2103", Phone: "2103", Name: "Alan Turing",
						Email: "alan@example.org", Department: "Sales", Group: "Sales floor", Device: "WILDIX_PHONE"},
					Direction: board.Inbound, State: board.LegRinging,
					Destination: "+3314000999", Queue: "Sales", QueueID: "5", Trunk: "sip-fr",
				}},
				Tags:     []string{"new-lead"},
				Complete: true,
			}}},
		},
		{
			file: "call_live_hold.json",
			want: []board.Event{{Company: company, At: ms(1700000259000), Call: &board.CallUpsert{
				ID:        "it_q200001_1700000200.1",
				StartedAt: liveStart,
				Legs: []board.Leg{
					{
						Index:     0,
						Caller:    board.Party{Phone: "+33140000000"},
						Callee:    &board.Party{Local: true, Extension: "2103", Phone: "2103"},
						Direction: board.Inbound, State: board.LegConnected,
					},
					{
						Index:     1,
						Caller:    board.Party{Local: true, Extension: "2103", Phone: "2103"},
						Callee:    &board.Party{Local: true, Extension: "2104", Phone: "2104", Name: "Edsger Dijkstra"},
						Direction: board.Internal, State: board.LegHold,
					},
					{
						// No flowIndex: the flow's position in the list.
						Index:     3,
						Caller:    board.Party{Local: true, Extension: "2104", Phone: "2104"},
						Direction: board.DirectionUnknown, State: "parked",
					},
				},
				Complete: true,
			}}},
		},
		{
			file: "call_live_end.json",
			want: []board.Event{{Company: company, At: ms(1700000300000),
				CallEnd: &board.CallEnd{ID: "it_q200001_1700000200.1", Cause: "Normal Clearing"}}},
		},
		{
			file: "call_live_interrupted.json",
			want: []board.Event{{Company: company, At: ms(1700000401000),
				CallEnd: &board.CallEnd{ID: "it_q200001_1700000400.9", Cause: "Network out of order"}}},
		},
		{
			file: "presence_user.json",
			want: []board.Event{{Company: company, At: ms(1700000500000), Presence: &board.Presence{
				Extension: "2101", Email: "ada@example.org", Status: board.StatusAway, Message: "Lunch",
				Until: mustRFC3339(t, "2023-11-15T08:00:00Z"), Location: "51.5072,-0.1276",
			}}},
		},
		{
			file: "presence_user_bad_until.json",
			want: []board.Event{{Company: company, At: ms(1700000510000), Presence: &board.Presence{
				Extension: "2102", Email: "grace@example.org", Location: "Building 2, floor 3",
			}}},
		},
		{
			file: "presence_telephony.json",
			want: []board.Event{{Company: company, At: ms(1700000600123), Telephony: &board.Telephony{
				Extension: "2103", Email: "alan@example.org", Status: board.TelRinging,
			}}},
		},
		{
			file: "presence_conference.json",
			want: []board.Event{{Company: company, At: ms(1700000700000), ConfPresence: &board.ConferencePresence{
				Extension: "2104", Email: "edsger@example.org", Joined: false,
			}}},
		},
		{
			file: "conference_live_progress.json",
			want: []board.Event{{Company: company, At: ms(1700000800400), Conference: &board.ConferenceUpsert{
				ID:        "conf-7f3a-1700000800000",
				Subject:   "Weekly planning",
				StartedAt: mustRFC3339(t, "2023-11-14T22:33:20Z"),
				Participants: []board.ConferenceParticipant{
					{ID: "x1", Extension: "2101", Email: "ada@example.org", Name: "Ada Lovelace", Department: "Support"},
					{Email: "guest@example.net", Name: "Guest"},
				},
			}}},
		},
		{
			file: "conference_live_join.json",
			want: []board.Event{{Company: company, At: ms(1700000810000), ConferenceJoin: &board.ConferenceJoin{
				ID: "conf-7f3a-1700000800000",
				Participant: board.ConferenceParticipant{
					Extension: "2102", Email: "grace@example.org", Name: "Grace Hopper", Department: "Engineering",
				},
			}}},
		},
		{
			file: "call_completed.json",
			want: []board.Event{{Company: company, At: ms(1700000999000), Completed: &board.CompletedCall{
				ID: "it_q200001_1700000900.3", Queue: "Sales", Direction: board.Inbound,
				Missed: false, Agent: &edsger,
				// The flows waited one after the other: 15 s, then 5 s.
				Wait: 20 * time.Second, Talk: 55 * time.Second, EndedAt: ms(1700000975000),
			}}},
		},
		{
			file: "call_completed_missed.json",
			want: []board.Event{{Company: company, At: ms(1700001200000), Completed: &board.CompletedCall{
				ID: "it_q200001_1700001100.4", Queue: "Support", Direction: board.Inbound,
				Missed: true, Agent: &board.Party{Local: true, Extension: "2103", Phone: "2103"},
				Wait: 30 * time.Second, EndedAt: ms(1700001130000),
			}}},
		},
		{file: "chat_channel_created.json"},
		{file: "sms_status.json"},
		{file: "unknown_type.json", wantErr: wildix.ErrUnknownType},
		{
			file: "nulls.json",
			want: []board.Event{{Company: company, Call: &board.CallUpsert{
				ID:   "it_q200001_1700001600.5",
				Legs: []board.Leg{{Direction: board.DirectionUnknown, State: board.LegRinging}},
			}}},
		},
		{
			file: "html_names.json",
			want: []board.Event{{Company: company, At: ms(1700001700000), Call: &board.CallUpsert{
				ID: "it_q200001_1700001700.6",
				Legs: []board.Leg{{
					Caller:    board.Party{Phone: "<b>+1</b>", Name: "<script>alert('x')</script>"},
					Callee:    &board.Party{Local: true, Extension: "2101", Name: "Ada &amp; <i>Co</i>"},
					Direction: board.Inbound, State: board.LegConnected,
				}},
				Complete: true,
			}}},
		},
		{file: "bad_data_type.json", wantErr: wildix.ErrBadData},
	}

	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(strings.TrimSuffix(tt.file, ".json"), func(t *testing.T) {
			env := mustDecodeFile(t, tt.file)
			got, err := wildix.Translate(env)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Translate error = %v, want %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Translate =\n%s\nwant\n%s", dump(got), dump(tt.want))
			}
		})
	}

	// Every fixture must be covered by the table.
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("fixture %s has no expectation", f)
		}
	}
}

func TestTranslateBadDataNamesField(t *testing.T) {
	tests := []struct {
		name, typ, data, wantInMsg string
	}{
		{"object for text", wildix.TypeCallLiveProgress, `{"flows":[{"caller":{"phone":{"n":1}}}]}`, "data.flows.caller.phone"},
		{"boolean for text", wildix.TypeCallStart, `{"destination":true}`, "data.destination"},
		{"array for number", wildix.TypeCallCompleted, `{"flows":[{"talkTime":[1]}]}`, "data.flows.talkTime"},
		{"string for list", wildix.TypeCallUpdate, `{"tags":"vip"}`, "data.tags"},
		{"string for object", wildix.TypePresenceUser, `{"location":"Paris"}`, "data.location"},
		{"number for flag", wildix.TypePresenceConference, `{"isJoined":1}`, "data.isJoined"},
		{"data is a list", wildix.TypeConferenceLiveJoin, `[{"participant":{}}]`, "not an object"},
		{"data is a string", wildix.TypePresenceTelephony, `"registered"`, "not an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := wildix.Envelope{ID: "c1", Company: company, Type: tt.typ, Time: 1, Data: []byte(tt.data)}
			got, err := wildix.Translate(env)
			if !errors.Is(err, wildix.ErrBadData) {
				t.Fatalf("Translate = %v, %v; want ErrBadData", got, err)
			}
			if !strings.Contains(err.Error(), tt.wantInMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantInMsg)
			}
		})
	}
}

func TestTranslateTolerance(t *testing.T) {
	long := strings.Repeat("é", wildix.MaxTextLen+10)
	tests := []struct {
		name string
		env  wildix.Envelope
		want []board.Event
	}{
		{
			name: "no data",
			env:  wildix.Envelope{ID: "2101", Company: company, Type: wildix.TypePresenceTelephony, Time: 5},
			want: []board.Event{{Company: company, At: ms(5), Telephony: &board.Telephony{}}},
		},
		{
			name: "data company when the envelope has none, numeric string time",
			env: wildix.Envelope{Type: wildix.TypePresenceUser, Time: 5,
				Data: []byte(`{"company":"it_other","time":"7.9","status":"DND","location":null}`)},
			want: []board.Event{{Company: "it_other", At: ms(7), Presence: &board.Presence{Status: board.StatusDND}}},
		},
		{
			name: "envelope company wins",
			env: wildix.Envelope{Company: company, Type: wildix.TypePresenceTelephony,
				Data: []byte(`{"company":"it_other","status":"Registered","time":"soon"}`)},
			want: []board.Event{{Company: company, Telephony: &board.Telephony{Status: board.TelRegistered}}},
		},
		{
			name: "long text is capped",
			env: wildix.Envelope{ID: "c", Company: company, Type: wildix.TypeCallStart, Time: 1,
				Data: []byte(`{"caller":{"type":"REMOTE","name":"` + long + `"}}`)},
			want: []board.Event{{Company: company, At: ms(1), Call: &board.CallUpsert{ID: "c", Legs: []board.Leg{{
				Caller: board.Party{Name: long[:2*wildix.MaxTextLen]}, Direction: board.Inbound, State: board.LegRinging,
			}}}}},
		},
		{
			name: "live flow without status but with talk time is connected",
			env: wildix.Envelope{ID: "c", Company: company, Type: wildix.TypeCallLiveProgress, Time: 1,
				Data: []byte(`{"flows":[{"flowIndex":2,"talkTime":"1200","direction":"OUTBOUND"}]}`)},
			want: []board.Event{{Company: company, At: ms(1), Call: &board.CallUpsert{ID: "c", Legs: []board.Leg{{
				Index: 2, Direction: board.Outbound, State: board.LegConnected,
			}}, Complete: true}}},
		},
		{
			name: "presence:conference join via string flag",
			env: wildix.Envelope{Company: company, Type: wildix.TypePresenceConference, Time: 1,
				Data: []byte(`{"extension":2101,"isJoined":"true"}`)},
			want: []board.Event{{Company: company, At: ms(1),
				ConfPresence: &board.ConferencePresence{Extension: "2101", Joined: true}}},
		},
		{
			name: "presence:conference saying neither",
			env:  wildix.Envelope{Company: company, Type: wildix.TypePresenceConference, Time: 1, Data: []byte(`{"extension":"2101"}`)},
		},
		{
			name: "conference join without participant",
			env:  wildix.Envelope{ID: "k", Company: company, Type: wildix.TypeConferenceLiveJoin, Time: 1, Data: []byte(`{"participant":null}`)},
		},
		{
			name: "legacy end cause code without description",
			env: wildix.Envelope{ID: "c", Company: company, Type: wildix.TypeCallEnd, Time: 1,
				Data: []byte(`{"endCause":41}`)},
			want: []board.Event{{Company: company, At: ms(1), CallEnd: &board.CallEnd{ID: "c", Cause: "cause 41"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := wildix.Translate(tt.env)
			if err != nil {
				t.Fatalf("Translate: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Translate =\n%s\nwant\n%s", dump(got), dump(tt.want))
			}
		})
	}
}

func TestTranslateCallWithoutID(t *testing.T) {
	for _, typ := range []string{wildix.TypeCallStart, wildix.TypeCallLiveProgress, wildix.TypeCallCompleted, wildix.TypeConferenceLiveProgress} {
		t.Run(typ, func(t *testing.T) {
			_, err := wildix.Translate(wildix.Envelope{Company: company, Type: typ, Time: 1, Data: []byte(`{}`)})
			if !errors.Is(err, wildix.ErrBadData) {
				t.Errorf("Translate error = %v, want ErrBadData", err)
			}
		})
	}
}

func TestKnown(t *testing.T) {
	for _, typ := range []string{
		wildix.TypeCallStart, wildix.TypeCallLiveProgress, wildix.TypeCallCompleted,
		wildix.TypePresenceUser, wildix.TypeConferenceLiveJoin, wildix.TypeSMSStatus,
		wildix.TypeChatChannelCreated, "chat:message:edited", wildix.TypeCallSummaryCompleted,
		wildix.TypeConferenceLiveTranscription,
	} {
		if !wildix.Known(typ) {
			t.Errorf("Known(%q) = false, want true", typ)
		}
	}
	for _, typ := range []string{"", "chat:", "call:teleported", "CALL:START", "presence"} {
		if wildix.Known(typ) {
			t.Errorf("Known(%q) = true, want false", typ)
		}
	}
}

// dump renders events readably for failure messages, pointers followed.
func dump(events []board.Event) string {
	b, err := json.MarshalIndent(events, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}
