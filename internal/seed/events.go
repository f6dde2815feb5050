package seed

import (
	"time"

	"campaigns/models"
)

func (s *seeder) loadEvents() error {
	phnomPenh := &models.Venue{
		Name: "Phnom Penh", City: ptr("Phnom Penh"), CountryCode: "KH",
		Latitude: ptr(11.5564), Longitude: ptr(104.9282), AddressPrivate: true,
		Source: ptr(FactSheet + "; coordinates: the city centre, from a public gazetteer"),
	}
	peoplesSquare := &models.Venue{
		Name: "People's Square", City: ptr("Yangon (Rangoon)"), CountryCode: "MM",
		Latitude: ptr(16.78), Longitude: ptr(96.15),
		// A public square: its place is no secret and helps people find the concert.
		StreetAddress: ptr("People's Square and Park, Yangon"), AddressPrivate: false,
		Source: ptr(FactSheet + "; coordinates: approximate, from a public gazetteer"),
	}
	if err := s.w.Insert(phnomPenh, peoplesSquare); err != nil {
		return err
	}
	yangon := models.Location("Asia/Yangon")
	phnomPenhTZ := models.Location("Asia/Phnom_Penh")
	events := []struct {
		key      string
		campaign string
		cohosts  []string
		event    models.Event
		venue    *models.Venue
	}{
		{
			key: "leaders-meeting", campaign: "asean-us-modern-slavery", cohosts: []string{"us-government"}, venue: phnomPenh,
			event: models.Event{
				Title: "ASEAN–U.S. Leaders' Meeting", Kind: "MEETING", Status: "COMPLETED",
				Summary:    ptr("President Obama and the 10 ASEAN heads of state agreed to improve cooperative efforts to tackle modern slavery, including the forced labor and sex trafficking of women, men and children."),
				StartBound: time.Date(2012, time.November, 19, 0, 0, 0, 0, phnomPenhTZ), DatePrecision: models.PrecisionDay,
				TimeZone: ptr("Asia/Phnom_Penh"), CountryCode: ptr("KH"), OrganizerID: s.orgs["asean"].ID,
			},
		},
		{
			key: "youth-session", campaign: "mtv-exit-southeast-asia", cohosts: []string{"mtv-exit"},
			event: models.Event{
				Title: "ASEAN–MTV EXIT Youth Session", Kind: "YOUTH_SESSION", Status: "SCHEDULED",
				Summary: ptr("ASEAN and MTV EXIT host a Youth Session to provide training in social media to combat trafficking in persons and to build regional networks that further enhance awareness."),
				// "Beginning in late November": the month and its last third, no day; the place is not given.
				StartBound: time.Date(2012, time.November, 1, 0, 0, 0, 0, time.UTC), DatePrecision: models.PrecisionMonth,
				DateQualifier: ptr("LATE"), OrganizerID: s.orgs["asean"].ID,
			},
		},
		{
			key: "peoples-square-concert", campaign: "mtv-exit-southeast-asia", venue: peoplesSquare,
			event: models.Event{
				Title: "MTV EXIT concert in People's Square, Rangoon", Kind: "CONCERT", Status: "SCHEDULED",
				Summary:    ptr("A public concert in Rangoon's People's Square opens MTV EXIT in Burma."),
				StartBound: time.Date(2012, time.December, 1, 0, 0, 0, 0, yangon), DatePrecision: models.PrecisionMonth,
				TimeZone: ptr("Asia/Yangon"), CountryCode: ptr("MM"), OrganizerID: s.orgs["mtv-exit"].ID,
			},
		},
	}
	for _, e := range events {
		ev := e.event
		ev.CampaignID, ev.Source = s.campaigns[e.campaign].ID, ptr(FactSheet)
		if e.venue != nil {
			ev.VenueID = &e.venue.ID
		}
		if err := s.w.Insert(&ev); err != nil {
			return err
		}
		for _, h := range e.cohosts {
			if err := s.w.Insert(&models.EventCohost{EventID: ev.ID, OrganizationID: s.orgs[h].ID}); err != nil {
				return err
			}
		}
		s.events[e.key] = &ev
	}
	return nil
}

func (s *seeder) loadNetworks() error {
	n := &models.YouthNetwork{
		Slug: "asean-mtv-exit-youth-network", Name: "ASEAN–MTV EXIT regional youth network", Scope: "REGIONAL",
		Description: ptr("The regional network of young people that the ASEAN–MTV EXIT Youth Session builds, trained in social media to combat trafficking in persons and to further enhance awareness."),
		FoundedAtID: &s.events["youth-session"].ID,
		Source:      ptr(FactSheet + ` ("build regional networks"); the network's name is descriptive, not the source's`),
	}
	if err := s.w.Insert(n); err != nil {
		return err
	}
	for _, org := range []string{"asean", "mtv-exit"} {
		if err := s.w.Insert(&models.NetworkCoordinator{NetworkID: n.ID, OrganizationID: s.orgs[org].ID}); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) loadIndicators() error {
	// "Since 2006" up to the fact sheet's date.
	start, end := *date(2006, time.January, 1), *date(2012, time.November, 20)
	campaign := s.campaigns["mtv-exit-southeast-asia"].ID
	for _, in := range []struct {
		code, name, unit string
		actual           *float64
		comparator       string
		note             *string
	}{
		{"major-concerts", "Major concert events produced", "COUNT", ptr(30.0), "EXACT", nil},
		{"tv-online-programmes", "Television and online programmes produced", "COUNT", ptr(76.0), "EXACT", nil},
		{"outreach-activities", "Outreach activities", "COUNT", nil, "APPROXIMATE", ptr("dozens of outreach activities")},
		{"youth-engaged", "Regional youth engaged", "PEOPLE", ptr(700000.0), "AT_LEAST", ptr("over 700,000 regional youth")},
	} {
		ind := &models.Indicator{CampaignID: campaign, Code: in.code, Name: in.name, Unit: in.unit}
		if err := s.w.Insert(ind); err != nil {
			return err
		}
		period := &models.IndicatorPeriod{
			IndicatorID: ind.ID, PeriodStart: start, StartPrecision: models.PrecisionYear,
			PeriodEnd: end, EndPrecision: models.PrecisionDay,
			Actual: in.actual, ActualComparator: in.comparator, Note: in.note, Source: ptr(FactSheet),
		}
		if err := s.w.Insert(period); err != nil {
			return err
		}
	}
	return nil
}
