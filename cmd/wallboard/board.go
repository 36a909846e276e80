package main

import "github.com/wallboard/wallboard/board"

// boardOptions are the board's lifetimes, time zones and per-company limits
// from the flags and the -config file.
func boardOptions(cfg settings) board.Options {
	o := board.Options{
		CallTTL:       cfg.CallTTL,
		ConferenceTTL: cfg.ConfTTL,
		MaxSkew:       cfg.ClockSkew,
		Location:      cfg.DayLocation,
	}
	if f := cfg.File; f != nil {
		o.Locations = f.Locations()
		l := f.Limits
		o.Limits = board.Limits{
			Users: l.Users, Calls: l.Calls, Conferences: l.Conferences,
			Tombstones: l.Tombstones, QueueMembers: l.QueueMembers, Devices: l.Devices,
			Queues: l.Queues, Completed: l.Completed, Participants: l.Participants,
		}
		if len(f.Directory) > 0 {
			people := make([]board.Person, len(f.Directory))
			for i, p := range f.Directory {
				people[i] = board.Person(p)
			}
			o.Directory = board.NewDirectory(people)
		}
	}
	return o
}
