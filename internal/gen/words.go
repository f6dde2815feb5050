package gen

// country is an ASEAN member with its cities. weight is its share of the generated activity,
// roughly by population, so that Indonesia and the Philippines see more events than Brunei.
type country struct {
	code, name string
	weight     float64
	cities     []city
}

// city is a place events are held in, with the IANA zone its venues keep time in.
type city struct {
	name     string
	zone     string
	lat, lon float64
}

// countries are the ten ASEAN members that the built-in seed loads. The generator spreads
// organizations, venues, events and network chapters over them.
var countries = []country{
	{"ID", "Indonesia", 18, []city{
		{"Jakarta", "Asia/Jakarta", -6.2088, 106.8456}, {"Surabaya", "Asia/Jakarta", -7.2575, 112.7521},
		{"Bandung", "Asia/Jakarta", -6.9175, 107.6191}, {"Medan", "Asia/Jakarta", 3.5952, 98.6722},
		{"Makassar", "Asia/Makassar", -5.1477, 119.4327}, {"Denpasar", "Asia/Makassar", -8.6500, 115.2167},
		{"Kupang", "Asia/Makassar", -10.1772, 123.6070}, {"Jayapura", "Asia/Jayapura", -2.5916, 140.6690},
	}},
	{"PH", "Philippines", 15, []city{
		{"Manila", "Asia/Manila", 14.5995, 120.9842}, {"Quezon City", "Asia/Manila", 14.6760, 121.0437},
		{"Cebu City", "Asia/Manila", 10.3157, 123.8854}, {"Davao City", "Asia/Manila", 7.1907, 125.4553},
		{"Zamboanga City", "Asia/Manila", 6.9214, 122.0790},
	}},
	{"VN", "Viet Nam", 14, []city{
		{"Hanoi", "Asia/Ho_Chi_Minh", 21.0278, 105.8342}, {"Ho Chi Minh City", "Asia/Ho_Chi_Minh", 10.8231, 106.6297},
		{"Da Nang", "Asia/Ho_Chi_Minh", 16.0544, 108.2022}, {"Hai Phong", "Asia/Ho_Chi_Minh", 20.8449, 106.6881},
		{"Can Tho", "Asia/Ho_Chi_Minh", 10.0452, 105.7469}, {"Lao Cai", "Asia/Ho_Chi_Minh", 22.4809, 103.9755},
	}},
	{"TH", "Thailand", 14, []city{
		{"Bangkok", "Asia/Bangkok", 13.7563, 100.5018}, {"Chiang Mai", "Asia/Bangkok", 18.7883, 98.9853},
		{"Chiang Rai", "Asia/Bangkok", 19.9105, 99.8406}, {"Khon Kaen", "Asia/Bangkok", 16.4322, 102.8236},
		{"Hat Yai", "Asia/Bangkok", 7.0084, 100.4747}, {"Mae Sot", "Asia/Bangkok", 16.7131, 98.5747},
	}},
	{"MM", "Myanmar", 12, []city{
		{"Yangon", "Asia/Yangon", 16.8409, 96.1735}, {"Mandalay", "Asia/Yangon", 21.9588, 96.0891},
		{"Naypyidaw", "Asia/Yangon", 19.7633, 96.0785}, {"Mawlamyine", "Asia/Yangon", 16.4905, 97.6283},
		{"Lashio", "Asia/Yangon", 22.9359, 97.7498}, {"Myawaddy", "Asia/Yangon", 16.6886, 98.5084},
	}},
	{"KH", "Cambodia", 10, []city{
		{"Phnom Penh", "Asia/Phnom_Penh", 11.5564, 104.9282}, {"Siem Reap", "Asia/Phnom_Penh", 13.3633, 103.8564},
		{"Battambang", "Asia/Phnom_Penh", 13.0957, 103.2022}, {"Poipet", "Asia/Phnom_Penh", 13.6592, 102.5586},
		{"Sihanoukville", "Asia/Phnom_Penh", 10.6093, 103.5296},
	}},
	{"MY", "Malaysia", 7, []city{
		{"Kuala Lumpur", "Asia/Kuala_Lumpur", 3.1390, 101.6869}, {"George Town", "Asia/Kuala_Lumpur", 5.4141, 100.3288},
		{"Johor Bahru", "Asia/Kuala_Lumpur", 1.4927, 103.7414}, {"Kuching", "Asia/Kuching", 1.5535, 110.3593},
		{"Kota Kinabalu", "Asia/Kuching", 5.9804, 116.0735},
	}},
	{"LA", "Lao People's Democratic Republic", 5, []city{
		{"Vientiane", "Asia/Vientiane", 17.9757, 102.6331}, {"Luang Prabang", "Asia/Vientiane", 19.8856, 102.1347},
		{"Savannakhet", "Asia/Vientiane", 16.5703, 104.7622}, {"Pakse", "Asia/Vientiane", 15.1202, 105.7990},
	}},
	{"SG", "Singapore", 3, []city{
		{"Singapore", "Asia/Singapore", 1.3521, 103.8198},
	}},
	{"BN", "Brunei Darussalam", 2, []city{
		{"Bandar Seri Begawan", "Asia/Brunei", 4.9031, 114.9398}, {"Kuala Belait", "Asia/Brunei", 4.5836, 114.2312},
	}},
}

// weighted is a value with its share of the draws.
type weighted struct {
	value  string
	weight float64
}

var organizationKinds = []weighted{
	{"CIVIL_SOCIETY", 45}, {"MEDIA", 12}, {"GOVERNMENT", 10}, {"PRIVATE_SECTOR", 10}, {"ACADEMIC", 8},
	{"OTHER", 7}, {"DONOR", 5}, {"UN_AGENCY", 2}, {"INTERGOVERNMENTAL", 1},
}

var eventKinds = []weighted{
	{"OUTREACH", 30}, {"TRAINING", 20}, {"MEETING", 15}, {"ONLINE_PROGRAMME", 12}, {"BROADCAST", 10},
	{"CONCERT", 8}, {"YOUTH_SESSION", 5},
}

var partnerRoles = []string{"FUNDER", "IMPLEMENTER", "HOST", "MEDIA_PARTNER", "GOVERNMENT_PARTNER",
	"TECHNICAL_PARTNER", "CIVIL_SOCIETY_PARTNER"}

var focuses = []string{"PREVENTION", "PROTECTION", "PROSECUTION", "PARTNERSHIP"}

var themes = []string{"FORCED_LABOUR", "SEX_TRAFFICKING", "CHILD_TRAFFICKING", "CHILD_SOLDIERS",
	"MIGRANT_WORKERS", "ONLINE_EXPLOITATION", "VICTIM_SUPPORT", "SAFE_MIGRATION", "LEGAL_FRAMEWORKS"}

var audiences = []string{"YOUTH", "VULNERABLE_POPULATIONS", "GENERAL_PUBLIC", "GOVERNMENT_OFFICIALS",
	"LAW_ENFORCEMENT", "FRONTLINE_SERVICE_PROVIDERS", "SURVIVORS", "MEDIA", "EMPLOYERS"}

var platforms = []string{"FACEBOOK", "TWITTER", "YOUTUBE", "INSTAGRAM", "TIKTOK", "LINE", "TELEGRAM", "WEBSITE"}

// Words that make names. Generated names repeat, as real ones do; slugs carry the id and
// stay unique.
var (
	orgAdjectives = []string{"Bright", "Safe", "Mekong", "Free", "Open", "United", "Golden", "River", "Hope",
		"New", "Rising", "Common", "Green", "Lotus", "Harbour", "Bridge", "Dawn", "Island", "Delta", "Highland"}
	orgNouns = []string{"Futures", "Voices", "Hands", "Horizons", "Pathways", "Communities", "Youth",
		"Families", "Workers", "Children", "Migrants", "Rights", "Journeys", "Roots", "Lights", "Circles"}
	orgWords = map[string][]string{
		"CIVIL_SOCIETY":     {"Foundation", "Association", "Network", "Alliance", "Centre", "Initiative"},
		"MEDIA":             {"Radio", "Television", "Media Group", "Press", "Broadcasting", "Studios"},
		"GOVERNMENT":        {"Provincial Office", "Department of Labour", "Ministry of Social Welfare", "Anti-Trafficking Police Unit", "Immigration Office"},
		"PRIVATE_SECTOR":    {"Holdings", "Garments", "Fisheries", "Recruitment Agency", "Hotels", "Logistics"},
		"ACADEMIC":          {"University", "Institute", "Research Centre", "College"},
		"OTHER":             {"Club", "Collective", "Cooperative", "Trust"},
		"DONOR":             {"Fund", "Development Agency", "Charitable Trust", "Philanthropies"},
		"UN_AGENCY":         {"Country Office", "Regional Office", "Programme Office"},
		"INTERGOVERNMENTAL": {"Commission", "Regional Forum", "Secretariat"},
	}
	campaignTopics = []string{"Safe Migration", "Know Your Rights", "Stop Child Labour", "End Forced Labour",
		"Fair Recruitment", "Safe Online", "Protect Survivors", "Justice for Victims", "Decent Work at Sea",
		"Youth Against Trafficking", "Border Awareness", "Ethical Supply Chains"}
	campaignFormats = []string{"Campaign", "Roadshow", "Initiative", "Programme", "Tour", "Week", "Drive", "Series"}
	eventTopics     = []string{"safe migration", "spotting the signs", "workers' rights", "recruitment fees",
		"online grooming", "help for survivors", "forced labour at sea", "debt bondage", "child labour",
		"reporting to hotlines", "labour inspections", "victim identification"}
	kindLabels = map[string]string{"CONCERT": "Concert", "BROADCAST": "Broadcast", "ONLINE_PROGRAMME": "Online programme",
		"OUTREACH": "Outreach", "TRAINING": "Training", "YOUTH_SESSION": "Youth session", "MEETING": "Meeting"}
	venueKinds = []string{"Community Hall", "Youth Centre", "University Auditorium", "Stadium", "Town Square",
		"Conference Centre", "High School", "Temple Grounds", "Market Hall", "Cultural Centre", "Night Market", "Factory Canteen"}
	streets   = []string{"Independence", "Riverside", "Harbour", "Market", "Station", "Temple", "Garden", "Palm", "Lotus", "Union"}
	sentences = []string{
		"Young people learn how recruiters lure workers with false promises.",
		"Survivors tell their own stories and answer questions from the audience.",
		"Local officials explain where to report suspected trafficking.",
		"The programme shows how to check a job offer before leaving home.",
		"Hotline numbers are handed out in the local languages.",
		"Partners share what they have learnt from a year of outreach.",
		"Artists perform songs written for the campaign.",
		"Employers sign a pledge against recruitment fees.",
		"Teachers receive material to run sessions in their own classes.",
		"Community leaders plan the next steps for their districts.",
	}
	objectives = []string{"Reach young people at risk with practical advice",
		"Train frontline officials to identify victims", "Help survivors find services",
		"Change how employers recruit migrant workers", "Build networks of young advocates",
		"Bring hotlines to border communities"}
	groupWords = []string{"School Club", "Youth Group", "Student Circle", "Campus Chapter", "Community Group", "Volunteer Team"}
	indicators = []struct{ code, name, unit string }{
		{"youth-reached", "Young people reached", "PEOPLE"}, {"events-held", "Events held", "COUNT"},
		{"media-reach", "People reached through media", "PEOPLE"}, {"officials-trained", "Officials trained", "PEOPLE"},
		{"hotline-calls", "Calls to hotlines", "COUNT"}, {"survivors-supported", "Survivors supported", "PEOPLE"},
		{"pledges-signed", "Employers' pledges signed", "COUNT"}, {"awareness-rate", "Share of the audience aware of the risks", "PERCENT"},
	}
	currencies = []weighted{{"USD", 80}, {"EUR", 10}, {"AUD", 5}, {"JPY", 5}}
)
