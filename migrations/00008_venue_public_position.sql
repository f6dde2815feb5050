-- +goose Up
-- A venue whose address is private (a shelter, a school, a safe house) must not be located by
-- its coordinates either: they name the same place to the metre. Every public reading of a
-- position (the API's coordinates, exports, calendars, near-me searches) uses the venue's
-- public position, which for a private venue is rounded to two decimals of a degree (about a
-- kilometre). The near-me search filters on that position, so no radius, however finely
-- bisected, finds the exact spot; this index serves it as venues_earth_idx served the exact one.
-- The expression is store.publicLatitude/publicLongitude's, written here without an alias.
CREATE INDEX venues_public_earth_idx ON venues USING gist (ll_to_earth(
    CASE WHEN address_private THEN round(latitude::numeric, 2)::double precision ELSE latitude END,
    CASE WHEN address_private THEN round(longitude::numeric, 2)::double precision ELSE longitude END));
DROP INDEX venues_earth_idx;

-- +goose Down
CREATE INDEX venues_earth_idx ON venues USING gist (ll_to_earth(latitude, longitude));
DROP INDEX venues_public_earth_idx;
