package views

import (
	"strings"
	"testing"

	"github.com/wallboard/wallboard/board"
)

// TestEventWhoMasksRemoteParties: the inspector's summary of a call shows
// PBX users and masks external numbers, as a masked audience reads them.
func TestEventWhoMasksRemoteParties(t *testing.T) {
	call := board.Event{Call: &board.CallUpsert{ID: "c1", Legs: []board.Leg{{
		Caller: board.Party{Phone: "+393331234567", Name: "+393331234567"},
		Callee: &board.Party{Local: true, Extension: "1001", Name: "Ann"},
	}}}}
	who := EventWho([]board.Event{call})
	if strings.Contains(who, "3331234567") || !strings.Contains(who, "Ann") || !strings.Contains(who, "•") {
		t.Errorf("EventWho(call) = %q; want the remote number masked and Ann named", who)
	}
	if got := EventWho([]board.Event{{Telephony: &board.Telephony{Extension: "1002"}}}); got != "1002" {
		t.Errorf("EventWho(telephony) = %q; want 1002", got)
	}
}

// TestInspectorWordsExist: every outcome, refusal reason and category the
// inspector names has a word.
func TestInspectorWordsExist(t *testing.T) {
	for _, o := range inspectorOutcomes {
		if _, ok := words[outcomeKey(o)]; !ok {
			t.Errorf("no word for outcome %s", o)
		}
	}
	for _, r := range inspectorReasons {
		if _, ok := words[reasonKey(r)]; !ok {
			t.Errorf("no word for reason %s", r)
		}
	}
	for _, c := range CategoryKeys {
		if _, ok := words[categoryKey(c)]; !ok {
			t.Errorf("no word for category %s", c)
		}
	}
	for typ, want := range map[string]string{"call:live:progress": "call", "call:completed": "analytics", "presence:telephony": "telephony", "presence:user": "presence", "conference:live:join": "conference", "chat:message:new": "chat", "bogus": ""} {
		if got := CategoryOf(typ); got != want {
			t.Errorf("CategoryOf(%s) = %q; want %q", typ, got, want)
		}
	}
}
