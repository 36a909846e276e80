package pbxsim

// The types in this file mirror the JSON Wildix POSTs, field for field and in
// the vendor's key order. Pointer fields are the ones Wildix sends as null
// when it has nothing to say; they are never omitted.

// envelope is the outer object of every event.
type envelope struct {
	ID            string `json:"id"`
	PBX           string `json:"pbx,omitempty"` // absent on conference and chat events
	Time          int64  `json:"time"`          // epoch ms of dispatch
	Company       string `json:"company"`
	Type          string `json:"type"`
	IntegrationID string `json:"integrationId"`
	Data          any    `json:"data"`
}

// legacyParty is a caller or callee in call:start|update|end.
type legacyParty struct {
	Type           string  `json:"type"` // LOCAL or REMOTE
	Phone          string  `json:"phone"`
	Name           *string `json:"name"`
	Company        *string `json:"company"`
	Email          *string `json:"email"`
	UserID         *string `json:"userId"`
	UserExtension  *string `json:"userExtension"`
	UserDepartment *string `json:"userDepartment"`
	GroupID        *string `json:"groupId"`
	GroupName      *string `json:"groupName"`
	UserAgent      *string `json:"userAgent"`
	UserDevice     *string `json:"userDevice"`
}

// legacyCall is the data of call:start|update|end.
type legacyCall struct {
	Status      string       `json:"status"` // always CONNECTING, as observed
	Caller      *legacyParty `json:"caller"`
	Callee      *legacyParty `json:"callee"` // null in call:start
	Service     *string      `json:"service"`
	Destination string       `json:"destination"`
	TrunkName   *string      `json:"trunkName"`
	QueueName   *string      `json:"queueName"`
	QueueID     *string      `json:"queueId"`
	Tags        []string     `json:"tags"`
	Flags       []string     `json:"flags"`
	EndCause    *string      `json:"endCause"` // Q.850 code as a string
	EndCauseStr *string      `json:"endCauseStr"`
	EndBy       *string      `json:"endBy"`
}

// liveParty is a flow party in call:live:* and call:completed.
type liveParty struct {
	Type           string  `json:"type"`
	Phone          string  `json:"phone"`
	Name           *string `json:"name"`
	Email          *string `json:"email"`
	UserID         *string `json:"userId"`
	UserExtension  *string `json:"userExtension"`
	UserDepartment *string `json:"userDepartment"`
	GroupID        *string `json:"groupId"`
	GroupName      *string `json:"groupName"`
	UserAgent      *string `json:"userAgent"`
	UserDevice     *string `json:"userDevice"`
	Role           string  `json:"role"` // AGENT or CLIENT
	License        *string `json:"license"`
}

// liveFlow is one leg of a live call.
type liveFlow struct {
	FlowIndex   int        `json:"flowIndex"`
	Duration    int64      `json:"duration"` // ms
	ConnectTime int64      `json:"connectTime"`
	TalkTime    int64      `json:"talkTime"`
	WaitTime    int64      `json:"waitTime"`
	Caller      *liveParty `json:"caller"`
	Callee      *liveParty `json:"callee,omitempty"` // absent until a queue picks an agent
	Destination string     `json:"destination"`
	Direction   string     `json:"direction"`
	RemotePhone string     `json:"remotePhone"`
	Status      string     `json:"status"`
	QueueName   *string    `json:"queueName"`
	QueueID     *string    `json:"queueId"`
	TrunkName   *string    `json:"trunkName"`
	Tags        []string   `json:"tags"`
	Flags       []string   `json:"flags"`
}

// liveCall is the data of call:live:progress and call:live:completed.
type liveCall struct {
	ID           string     `json:"id"`
	PBX          string     `json:"pbx"`
	Time         int64      `json:"time"`
	Company      string     `json:"company"`
	Licenses     []string   `json:"licenses"`
	Event        string     `json:"event"`
	EventTrigger string     `json:"eventTrigger,omitempty"` // absent on call:live:completed
	Start        string     `json:"start"`                  // ISO 8601, ms, UTC
	Flows        []liveFlow `json:"flows"`
}

// completedFlow is one leg in the call:completed analytics event.
type completedFlow struct {
	FlowIndex      int        `json:"flowIndex"`
	StartTime      int64      `json:"startTime"` // epoch ms
	EndTime        int64      `json:"endTime"`
	Duration       int64      `json:"duration"` // ms
	ConnectTime    int64      `json:"connectTime"`
	TalkTime       int64      `json:"talkTime"`
	WaitTime       int64      `json:"waitTime"`
	Caller         *liveParty `json:"caller"`
	Callee         *liveParty `json:"callee"`
	Destination    string     `json:"destination"`
	Direction      string     `json:"direction"`
	TrunkName      *string    `json:"trunkName"`
	TrunkDirection *string    `json:"trunkDirection"` // incoming, outgoing or null
	Tags           []string   `json:"tags"`
	RemotePhone    string     `json:"remotePhone"`
	CallStatus     string     `json:"callStatus"` // COMPLETED or MISSED
	QueueName      *string    `json:"queueName"`
}

// completedCall is the data of call:completed.
type completedCall struct {
	ID       string          `json:"id"`
	Time     int64           `json:"time"`
	Company  string          `json:"company"`
	EndCause *string         `json:"endCause"`
	Flows    []completedFlow `json:"flows"`
}

// userPresence is the data of presence:user.
type userPresence struct {
	Extension string   `json:"extension"`
	Email     string   `json:"email"`
	SourceID  string   `json:"sourceId"`
	Status    string   `json:"status"` // available, away, dnd, or "" for available
	Until     *string  `json:"until"`  // ISO 8601 UTC, or null without expiry
	Message   string   `json:"message"`
	Location  location `json:"location"`
}

type location struct {
	Address string `json:"address"`
	Lat     string `json:"lat"`
	Lng     string `json:"lng"`
}

// telephonyPresence is the data of presence:telephony.
type telephonyPresence struct {
	Extension string `json:"extension"`
	Email     string `json:"email"`
	SourceID  string `json:"sourceId"`
	Status    string `json:"status"` // registered, ringing, talking, rt
}

// confParticipant is a conference participant.
type confParticipant struct {
	Type         string  `json:"type"` // XBS
	JID          string  `json:"jid"`
	Name         string  `json:"name"`
	Email        string  `json:"email"`
	Department   *string `json:"department"`
	Company      string  `json:"company"`
	PBXSerial    string  `json:"pbxSerial"`
	PBXExtension string  `json:"pbxExtension"`
	PBXGroupID   string  `json:"pbxGroupId"`
	XBSID        string  `json:"xbsId"`
	License      *string `json:"license"`
}

// conferenceProgress is the data of conference:live:progress.
type conferenceProgress struct {
	ID           string            `json:"id"`
	Time         int64             `json:"time"`
	Company      string            `json:"company"`
	Event        string            `json:"event"`
	Start        string            `json:"start"`
	Subject      string            `json:"subject"`
	Participants []confParticipant `json:"participants"`
}

// conferenceJoin is the data of conference:live:join.
type conferenceJoin struct {
	ID          string          `json:"id"`
	Time        int64           `json:"time"`
	Company     string          `json:"company"`
	Event       string          `json:"event"`
	Participant confParticipant `json:"participant"`
}

// conferencePresence is the data of presence:conference.
type conferencePresence struct {
	Extension   string          `json:"extension"`
	IsJoined    bool            `json:"isJoined"`
	IsLeaved    bool            `json:"isLeaved"`
	Participant confParticipant `json:"participant"`
}

// chatMessage is the data of chat:message:new, a type the wallboard does not
// use: the simulator sends it to exercise the "unknown type" path.
type chatMessage struct {
	Channel chatChannel `json:"channel"`
	Message chatText    `json:"message"`
}

type chatChannel struct {
	ChannelID string `json:"channelId"`
}

type chatText struct {
	Text string `json:"text"`
	User string `json:"user"`
}
