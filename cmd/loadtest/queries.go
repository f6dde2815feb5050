package main

// The GraphQL documents of the mix: what a partner's frontend sends for its campaign list,
// an event's page, a network's tree, a country's calendar, a batch of node lookups, and the
// events list at page 1 and at page 10,000.
const (
	qCampaigns = `query CampaignList($after: String) {
  campaigns(first: 20, after: $after) {
    totalCount
    pageInfo { endCursor hasNextPage }
    nodes {
      id name status startsOn
      partners { role organization { id name } }
      events(first: 10) {
        nodes {
          id title kind startsAt timeZone
          venue { name city country { name } }
          organizer { id name }
        }
      }
    }
  }
}`

	qEvent = `query EventPage($id: ID!) {
  event(id: $id) {
    id title summary description kind status startsAt endsAt startsOn datePrecision dateLabel
    timeZone onlineUrl capacity attendance mediaReach
    registration { opensAt closesAt waitlistEnabled }
    venue { id name city address coordinates { latitude longitude } country { code name } }
    campaign { id name slug }
    organizer { id name website }
    coHosts { id name }
  }
}`

	qNetwork = `query NetworkTree($id: ID!) {
  youthNetwork(id: $id) {
    id name scope
    coordinators { id name }
    chapters(first: 10) {
      totalCount
      nodes {
        id name scope country { name }
        chapters(first: 10) {
          totalCount
          nodes { id name scope channels { platform url } }
        }
      }
    }
  }
}`

	qCountry = `query CountryCalendar($country: String!, $from: DateTime!, $to: DateTime!) {
  events(first: 20, filter: { country: $country, startsAfter: $from, startsBefore: $to }) {
    totalCount
    pageInfo { endCursor hasNextPage }
    nodes { id title kind startsAt dateLabel venue { name city } }
  }
}`

	qNodes = `query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) {
    id
    ... on Event { title startsAt }
    ... on Campaign { name status }
    ... on Organization { name kind }
    ... on YouthNetwork { name scope }
  }
}`

	qEvents = `query EventList($after: String) {
  events(first: 20, after: $after) {
    pageInfo { endCursor hasNextPage }
    nodes { id title kind startsAt dateLabel }
  }
}`
)
