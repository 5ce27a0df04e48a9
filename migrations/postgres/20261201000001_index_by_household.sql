-- A farmer's pages read their household's plots, leases and shifts: index those paths so a
-- county of 20,000 households is not scanned per request.
CREATE INDEX plots_by_owner ON plots (owner_household_id);
CREATE INDEX leases_by_household ON leases (household_id);
CREATE INDEX accounts_by_household ON accounts (household_id);
