package hub

// LiveMessages is the count of live messages queued or being written (see
// priority), for the tests of package hub_test.
func LiveMessages(h *Hub) int64 { return h.prio.live.Load() }

// LiveYield is liveYield, for the tests of package hub_test.
const LiveYield = liveYield
