package wildix

import "strings"

// Event types sent by the PBX. The list mirrors what Wildix documents or is
// known to send; Known reports whether a type is one of them.
const (
	// Legacy call events, flat format.
	TypeCallStart  = "call:start"
	TypeCallUpdate = "call:update"
	TypeCallEnd    = "call:end"

	// Live call events, current format.
	TypeCallLiveProgress      = "call:live:progress"
	TypeCallLiveCompleted     = "call:live:completed"
	TypeCallLiveInterrupted   = "call:live:interrupted"
	TypeCallLiveTranscription = "call:live:transcription"

	// Analytics.
	TypeCallCompleted              = "call:completed"
	TypeCallTranscriptionCompleted = "call:transcription:completed"
	TypeCallSummaryCompleted       = "call:summary:completed"

	// Conferences.
	TypeConferenceLiveProgress      = "conference:live:progress"
	TypeConferenceLiveJoin          = "conference:live:join"
	TypeConferenceLiveTranscription = "conference:live:transcription"

	// Presence.
	TypePresenceUser       = "presence:user"
	TypePresenceTelephony  = "presence:telephony"
	TypePresenceConference = "presence:conference"

	// Chat and SMS. The exact names of chat events other than channel
	// creation are not documented, so Known accepts every type with the
	// chatPrefix.
	TypeChatChannelCreated = "chat:channel:created"
	TypeChatMessageNew     = "chat:message:new"
	TypeSMSStatus          = "sms:status"
)

// chatPrefix starts every chat event type.
const chatPrefix = "chat:"

// Known reports whether eventType is a type this package understands, that
// is, one Translate accepts. Known types that carry nothing for the board
// (chat, SMS, transcriptions, summaries) are known too. The comparison is
// exact: the PBX sends types in lower case.
func Known(eventType string) bool {
	switch eventType {
	case TypeCallStart, TypeCallUpdate, TypeCallEnd,
		TypeCallLiveProgress, TypeCallLiveCompleted, TypeCallLiveInterrupted, TypeCallLiveTranscription,
		TypeCallCompleted, TypeCallTranscriptionCompleted, TypeCallSummaryCompleted,
		TypeConferenceLiveProgress, TypeConferenceLiveJoin, TypeConferenceLiveTranscription,
		TypePresenceUser, TypePresenceTelephony, TypePresenceConference,
		TypeSMSStatus:
		return true
	}
	return strings.HasPrefix(eventType, chatPrefix) && len(eventType) > len(chatPrefix)
}
