-- A planting a cooperative makes on land it leases (土地流转); NULL for the household's own.
ALTER TABLE plantings ADD COLUMN cooperative_id BIGINT REFERENCES cooperatives(id);
