//! A generated county for load and fault tests (#8): townships with villages, households and
//! their people, two plots each, five plantings per household over two seasons, a cooperative
//! per township with its alliance, leases, a season of daily shifts (hours recorded and settled
//! up to a few weeks ago, the rest left open for write benchmarks) and the accounts to sign in
//! with. Rows are written in bulk with ids chosen here, so they reference each other without
//! reading back; meant for an empty database (refused otherwise).

use crate::{Backend, Db, StorageError, iso};
use chrono::{Datelike, Days, NaiveDate, Utc};
use tianlian_domain::forecast::season_year;
use tianlian_domain::lease::{Lease, PaySchedule, payment_schedule};
use tianlian_domain::season::Season;
use tianlian_domain::wages::{Hours, WageRules, wage};
use tianlian_domain::{Fen, Mu, crops::CATALOGUE};

/// How big a county to generate.
#[derive(Debug, Clone)]
pub struct CountySpec {
    pub townships: u32,
    /// Households in all (spread evenly over townships, ten villages each).
    pub households: u32,
    /// The day the data is seen from (China): shifts run from 60 days before to 120 after.
    pub today: NaiveDate,
    /// One argon2 hash for every generated account (they share the printed password).
    pub password_hash: String,
}

/// Days of shifts before `today` whose hours are left unrecorded (for write benchmarks).
pub const OPEN_DAYS: u64 = 40;
const SHIFT_DAYS_BEFORE: u64 = 60;
const SHIFT_DAYS_AFTER: u64 = 120;
/// Workers per daily shift.
const CREW: u32 = 40;
const VILLAGES: u32 = 10;
const PERSONS_PER_HOUSEHOLD: u32 = 2;
/// The household counted first for farmer phones (`150` + eight digits).
const FARMER_PHONES: u64 = 150_0000_0000;
const COOPERATIVE_PHONES: u64 = 151_0000_0000;
const AGRONOMIST_PHONES: u64 = 152_0000_0000;
const SITES: [&str; 3] = ["maoxian", "shifang", "chengdu"];

/// What was generated, and what a load script needs to drive it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct County {
    pub households: u64,
    pub plantings: u64,
    pub shifts: u64,
    pub assignments: u64,
    pub wage_entries: u64,
    /// Sign-in phones (all share the spec's password), by township.
    pub farmer_phones: Vec<String>,
    pub cooperative_phones: Vec<String>,
    pub agronomist_phones: Vec<String>,
    /// `(cooperative phone index, shift id, person id)` booked on a past day with no hours yet.
    pub open_assignments: Vec<(usize, i64, i64)>,
    /// `(agronomist phone index, plot id, free centi-mu)`: plots with room for new plantings
    /// on `free_planting_day`.
    pub free_plots: Vec<(usize, i64, i64)>,
    pub free_planting_day: NaiveDate,
}

/// Why no county was generated.
#[derive(Debug, thiserror::Error)]
pub enum CountyError {
    #[error("the database already holds households: generate into an empty database")]
    NotEmpty,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for CountyError {
    fn from(e: sqlx::Error) -> Self {
        CountyError::Storage(e.into())
    }
}

/// A value to bind: the Any driver carries integers and text; a NULL keeps its column's type.
#[derive(Debug, Clone)]
enum V {
    I(i64),
    T(String),
    NullI,
    NullT,
}

fn t(s: impl Into<String>) -> V {
    V::T(s.into())
}

fn d(day: NaiveDate) -> V {
    V::T(iso(day))
}

/// Rows for one table, written in multi-row `INSERT`s.
struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<V>>,
}

impl Batch {
    fn new(table: &'static str, columns: &'static [&'static str]) -> Batch {
        Batch {
            table,
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<V>) {
        debug_assert_eq!(row.len(), self.columns.len(), "{}", self.table);
        self.rows.push(row);
    }

    async fn write(&self, db: &Db) -> Result<(), sqlx::Error> {
        // SQLite allows 32,766 bound values a statement, PostgreSQL 65,535.
        let per = (30_000 / self.columns.len()).clamp(1, 1000);
        let mut tx = db.pool().begin().await?;
        for chunk in self.rows.chunks(per) {
            let mut sql = format!(
                "INSERT INTO {} ({}) VALUES ",
                self.table,
                self.columns.join(", ")
            );
            let mut n = 0;
            for (i, _) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push('(');
                for c in 0..self.columns.len() {
                    n += 1;
                    if c > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!("${n}"));
                }
                sql.push(')');
            }
            let mut q = sqlx::query(&sql);
            for row in chunk {
                for v in row {
                    q = match v {
                        V::I(i) => q.bind(*i),
                        V::T(s) => q.bind(s.clone()),
                        V::NullI => q.bind(None::<i64>),
                        V::NullT => q.bind(None::<String>),
                    };
                }
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        if db.backend() == Backend::Postgres && self.columns.first() == Some(&"id") {
            // Ids were given explicitly: move the identity on past them.
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT MAX(id) FROM {0}))",
                self.table
            ))
            .execute(db.pool())
            .await?;
        }
        Ok(())
    }
}

fn season_days(code: &str) -> u32 {
    CATALOGUE
        .iter()
        .find(|c| c.code == code)
        .map_or(100, |c| c.season_days)
}

/// A small deterministic spread (no randomness: the same spec gives the same county).
fn spread(i: u64, modulo: u64) -> u64 {
    (i.wrapping_mul(2_654_435_761) >> 7) % modulo.max(1)
}

fn day(base: NaiveDate, offset: u64) -> NaiveDate {
    base.checked_add_days(Days::new(offset)).unwrap_or(base)
}

/// Generates the county described by `spec` into `db` (migrated and otherwise empty of
/// households).
///
/// # Errors
/// [`CountyError::NotEmpty`], or the database refused a statement.
pub async fn generate(db: &Db, spec: &CountySpec) -> Result<County, CountyError> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM households")
        .fetch_one(db.pool())
        .await?;
    if existing > 0 {
        return Err(CountyError::NotEmpty);
    }
    let max_township: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM townships")
        .fetch_one(db.pool())
        .await?;
    let now = Utc::now().to_rfc3339();
    let townships = spec.townships.max(1);
    let per_township = (spec.households / townships).max(VILLAGES);
    let per_village = per_township / VILLAGES;
    let season = season_year(spec.today);
    let nov = |d: u64| {
        day(
            NaiveDate::from_ymd_opt(season, 11, 1).unwrap_or(spec.today),
            d,
        )
    };
    let last_nov = |d: u64| {
        day(
            NaiveDate::from_ymd_opt(season - 1, 11, 1).unwrap_or(spec.today),
            d,
        )
    };
    // Leases for five years from 1 October of this season (before this season's morels).
    let lease_from = NaiveDate::from_ymd_opt(season, 10, 1).unwrap_or(spec.today);
    let lease_until = NaiveDate::from_ymd_opt(season + 5, 9, 30).unwrap_or(spec.today);
    let rules = WageRules::default();
    let shift_hours = Hours::from_whole(8);

    let mut b_townships = Batch::new("townships", &["id", "name", "county", "site_code"]);
    let mut b_villages = Batch::new("villages", &["id", "township_id", "name"]);
    let mut b_households = Batch::new(
        "households",
        &[
            "id",
            "village_id",
            "code",
            "head_name",
            "phone",
            "members",
            "is_poor",
            "poor_since_year",
        ],
    );
    let mut b_persons = Batch::new(
        "persons",
        &["id", "household_id", "name", "phone", "able_to_work"],
    );
    let mut b_coops = Batch::new(
        "cooperatives",
        &["id", "township_id", "name", "registration"],
    );
    let mut b_plots = Batch::new(
        "plots",
        &[
            "id",
            "village_id",
            "code",
            "area_centi_mu",
            "owner_household_id",
            "irrigation",
        ],
    );
    let mut b_plantings = Batch::new(
        "plantings",
        &[
            "id",
            "plot_id",
            "crop_code",
            "area_centi_mu",
            "planned_on",
            "planted_on",
            "harvest_started_on",
            "harvest_ended_on",
            "season_from",
            "season_until",
            "status",
            "created_at",
            "protection",
            "cooperative_id",
        ],
    );
    let mut b_accounts = Batch::new(
        "accounts",
        &[
            "id",
            "phone",
            "password_hash",
            "role",
            "township_id",
            "cooperative_id",
            "household_id",
            "must_change_password",
            "created_at",
        ],
    );
    let mut b_alliances = Batch::new("alliances", &["id", "cooperative_id", "name", "created_on"]);
    let mut b_members = Batch::new(
        "alliance_members",
        &[
            "id",
            "alliance_id",
            "household_id",
            "role",
            "mentor_id",
            "joined_on",
        ],
    );
    let mut b_leases = Batch::new(
        "leases",
        &[
            "id",
            "plot_id",
            "household_id",
            "cooperative_id",
            "area_centi_mu",
            "fee_per_mu_year_fen",
            "starts_on",
            "ends_on",
            "schedule",
            "created_at",
        ],
    );
    let mut b_payments = Batch::new(
        "lease_payments",
        &["id", "lease_id", "due_on", "amount_fen", "paid_on"],
    );
    let mut b_shifts = Batch::new(
        "shifts",
        &[
            "id",
            "cooperative_id",
            "day",
            "task_code",
            "plot_id",
            "headcount",
            "hours_centi",
            "hourly_fen",
            "regular_hours_centi",
            "overtime_percent",
            "created_at",
        ],
    );
    let mut b_assignments = Batch::new(
        "shift_assignments",
        &["id", "shift_id", "person_id", "day", "created_at"],
    );
    let mut b_entries = Batch::new(
        "wage_entries",
        &[
            "id",
            "shift_id",
            "person_id",
            "day",
            "kind",
            "hours_centi",
            "regular_fen",
            "overtime_fen",
            "amount_fen",
            "recorded_at",
        ],
    );
    let mut b_wage_paid = Batch::new(
        "wage_payments",
        &[
            "id",
            "shift_id",
            "person_id",
            "amount_fen",
            "paid_on",
            "paid_at",
        ],
    );
    let mut b_targets = Batch::new(
        "targets",
        &[
            "id",
            "township_id",
            "crops",
            "area_centi_mu",
            "starts_on",
            "deadline",
            "created_at",
        ],
    );

    let mut county = County {
        households: 0,
        plantings: 0,
        shifts: 0,
        assignments: 0,
        wage_entries: 0,
        farmer_phones: Vec::new(),
        cooperative_phones: Vec::new(),
        agronomist_phones: Vec::new(),
        open_assignments: Vec::new(),
        free_plots: Vec::new(),
        free_planting_day: spec.today,
    };
    let (mut household_id, mut person_id, mut plot_id, mut planting_id) =
        (0_i64, 0_i64, 0_i64, 0_i64);
    let (mut account_id, mut member_id, mut lease_id, mut payment_id) =
        (0_i64, 0_i64, 0_i64, 0_i64);
    let (mut shift_id, mut assignment_id, mut entry_id, mut paid_id) = (0_i64, 0_i64, 0_i64, 0_i64);
    let wage_of_day = wage(&rules, shift_hours);

    for ti in 0..townships {
        let township = max_township + i64::from(ti) + 1;
        let cooperative = township;
        b_townships.push(vec![
            V::I(township),
            t(format!("基准乡{:02}", ti + 1)),
            t("基准县"),
            t(SITES[ti as usize % SITES.len()]),
        ]);
        b_coops.push(vec![
            V::I(cooperative),
            V::I(township),
            t(format!("基准乡{:02}专业合作社", ti + 1)),
            t(format!("BENCH{:02}", ti + 1)),
        ]);
        b_alliances.push(vec![
            V::I(cooperative),
            V::I(cooperative),
            t("联合体"),
            d(last_nov(0)),
        ]);
        for (role, phones, list) in [
            (
                "cooperative",
                COOPERATIVE_PHONES,
                &mut county.cooperative_phones,
            ),
            (
                "agronomist",
                AGRONOMIST_PHONES,
                &mut county.agronomist_phones,
            ),
        ] {
            account_id += 1;
            let phone = (phones + u64::from(ti) + 1).to_string();
            b_accounts.push(vec![
                V::I(account_id),
                t(&phone),
                t(&spec.password_hash),
                t(role),
                if role == "agronomist" {
                    V::I(township)
                } else {
                    V::NullI
                },
                if role == "cooperative" {
                    V::I(cooperative)
                } else {
                    V::NullI
                },
                V::NullI,
                V::I(0),
                t(&now),
            ]);
            list.push(phone);
        }
        // The wall-chart targets: winter vegetables and morels, planted by 10 December.
        for (k, (crops, mu)) in [("winter_vegetables", 3_000), ("morel", 1_500)]
            .iter()
            .enumerate()
        {
            b_targets.push(vec![
                V::I(township * 2 + k as i64),
                V::I(township),
                t(*crops),
                V::I(Mu::from_whole(*mu).centi()),
                d(nov(0)),
                d(nov(39)),
                t(&now),
            ]);
        }
        let first_person = person_id + 1;
        let mut able_member: Option<i64> = None;
        for vi in 0..VILLAGES {
            let village = i64::from(ti * VILLAGES + vi) + 1;
            b_villages.push(vec![
                V::I(village),
                V::I(township),
                t(format!("基准{:02}-{:02}村", ti + 1, vi + 1)),
            ]);
            for hi in 0..per_village {
                household_id += 1;
                let h = household_id as u64;
                let poor = spread(h, 10) == 0;
                let phone = (FARMER_PHONES + h).to_string();
                b_households.push(vec![
                    V::I(household_id),
                    V::I(village),
                    t(format!("b{:02}-{:02}-{:04}", ti + 1, vi + 1, hi + 1)),
                    t(format!("户主{h}")),
                    t(&phone),
                    V::I(2 + spread(h, 4) as i64),
                    V::I(i64::from(poor)),
                    if poor {
                        V::I(i64::from(season - 3))
                    } else {
                        V::NullI
                    },
                ]);
                for p in 0..PERSONS_PER_HOUSEHOLD {
                    person_id += 1;
                    b_persons.push(vec![
                        V::I(person_id),
                        V::I(household_id),
                        t(format!("成员{h}-{}", p + 1)),
                        V::NullT,
                        V::I(1),
                    ]);
                }
                account_id += 1;
                b_accounts.push(vec![
                    V::I(account_id),
                    t(&phone),
                    t(&spec.password_hash),
                    t("farmer"),
                    V::NullI,
                    V::NullI,
                    V::I(household_id),
                    V::I(0),
                    t(&now),
                ]);
                county.farmer_phones.push(phone);
                // Alliance: every tenth household is a skilled farmer; the poor join as members
                // mentored by the township's latest one (any before its first are left out).
                let joins = if poor {
                    able_member.map(|mentor| ("member", Some(mentor)))
                } else {
                    (spread(h, 10) == 5).then_some(("able", None))
                };
                if let Some((role, mentor)) = joins {
                    member_id += 1;
                    if role == "able" {
                        able_member = Some(member_id);
                    }
                    b_members.push(vec![
                        V::I(member_id),
                        V::I(cooperative),
                        V::I(household_id),
                        t(role),
                        mentor.map_or(V::NullI, V::I),
                        d(last_nov(0)),
                    ]);
                }

                // Two plots: a vegetable field and a morel field.
                let veg_area = 200 + spread(h, 600) as i64;
                let morel_area = 100 + spread(h + 7, 400) as i64;
                let veg_plot = plot_id + 1;
                let morel_plot = plot_id + 2;
                plot_id += 2;
                for (id, code, area) in [(veg_plot, "a", veg_area), (morel_plot, "b", morel_area)] {
                    b_plots.push(vec![
                        V::I(id),
                        V::I(village),
                        t(format!("{h}-{code}")),
                        V::I(area),
                        V::I(household_id),
                        t("沟灌"),
                    ]);
                }
                let leased = spread(h, 20) == 3;
                if leased {
                    lease_id += 1;
                    let lease = Lease {
                        area: Mu::from_centi(morel_area),
                        fee_per_mu_year: Fen::from_yuan(800),
                        starts_on: lease_from,
                        ends_on: lease_until,
                        schedule: PaySchedule::Annual,
                    };
                    b_leases.push(vec![
                        V::I(lease_id),
                        V::I(morel_plot),
                        V::I(household_id),
                        V::I(cooperative),
                        V::I(morel_area),
                        V::I(lease.fee_per_mu_year.get()),
                        d(lease.starts_on),
                        d(lease.ends_on),
                        t(lease.schedule.code()),
                        t(&now),
                    ]);
                    for pay in payment_schedule(&lease) {
                        payment_id += 1;
                        b_payments.push(vec![
                            V::I(payment_id),
                            V::I(lease_id),
                            d(pay.due_on),
                            V::I(pay.amount.get()),
                            if pay.due_on <= spec.today {
                                d(pay.due_on)
                            } else {
                                V::NullT
                            },
                        ]);
                    }
                }
                // Five plantings: last season's two (done), this season's celtuce and
                // cauliflower sharing the vegetable field, and morels.
                let spread_day = spread(h, 30);
                let plan: [(i64, &str, i64, NaiveDate, Option<i64>); 5] = [
                    (veg_plot, "celtuce", veg_area, last_nov(spread_day), None),
                    (
                        morel_plot,
                        "cauliflower",
                        morel_area,
                        last_nov(spread_day),
                        None,
                    ),
                    (veg_plot, "celtuce", veg_area / 2, nov(spread_day), None),
                    (
                        veg_plot,
                        "cauliflower",
                        veg_area - veg_area / 2,
                        nov(spread_day + 3),
                        None,
                    ),
                    (
                        morel_plot,
                        "morel",
                        morel_area,
                        nov(spread_day / 2),
                        leased.then_some(cooperative),
                    ),
                ];
                for (plot, crop, area, planned, by) in plan {
                    planting_id += 1;
                    let season_of = Season::starting(planned, season_days(crop));
                    let (status, planted, started, ended) = if season_of.until < spec.today {
                        ("done", Some(planned), Some(planned), Some(season_of.until))
                    } else if planned <= spec.today {
                        ("planted", Some(planned), None, None)
                    } else {
                        ("planned", None, None, None)
                    };
                    let opt = |x: Option<NaiveDate>| x.map_or(V::NullT, d);
                    b_plantings.push(vec![
                        V::I(planting_id),
                        V::I(plot),
                        t(crop),
                        V::I(area),
                        d(planned),
                        opt(planted),
                        opt(started),
                        opt(ended),
                        d(season_of.from),
                        d(season_of.until),
                        t(status),
                        t(&now),
                        t(if spread(h, 3) == 0 { "mulch" } else { "open" }),
                        by.map_or(V::NullI, V::I),
                    ]);
                }
                county.households += 1;
                county.plantings += 5;
            }
        }
        let township_persons = person_id - first_person + 1;
        // A season of daily shifts: a crew of 20 each day, rotating through the township's people.
        let first_day = spec
            .today
            .checked_sub_days(Days::new(SHIFT_DAYS_BEFORE))
            .unwrap_or(spec.today);
        for k in 0..(SHIFT_DAYS_BEFORE + SHIFT_DAYS_AFTER) {
            let on = day(first_day, k);
            shift_id += 1;
            b_shifts.push(vec![
                V::I(shift_id),
                V::I(cooperative),
                d(on),
                t(if on.month() >= 11 || on.month() <= 1 {
                    "sowing"
                } else {
                    "harvest"
                }),
                V::NullI,
                V::I(i64::from(CREW)),
                V::I(shift_hours.centi()),
                V::I(rules.hourly_fen.get()),
                V::I(rules.regular_hours_per_day_centi),
                V::I(rules.overtime_percent),
                t(&now),
            ]);
            county.shifts += 1;
            let open = on < spec.today && on >= day(spec.today, 0) - Days::new(OPEN_DAYS);
            for c in 0..u64::from(CREW) {
                let person = first_person
                    + ((k * u64::from(CREW) + c) % township_persons.max(1) as u64) as i64;
                assignment_id += 1;
                b_assignments.push(vec![
                    V::I(assignment_id),
                    V::I(shift_id),
                    V::I(person),
                    d(on),
                    t(&now),
                ]);
                county.assignments += 1;
                if on >= spec.today {
                    continue;
                }
                if open {
                    county
                        .open_assignments
                        .push((ti as usize, shift_id, person));
                    continue;
                }
                entry_id += 1;
                b_entries.push(vec![
                    V::I(entry_id),
                    V::I(shift_id),
                    V::I(person),
                    d(on),
                    t("work"),
                    V::I(shift_hours.centi()),
                    V::I(wage_of_day.regular_fen.get()),
                    V::I(wage_of_day.overtime_fen.get()),
                    V::I(wage_of_day.total_fen.get()),
                    t(&now),
                ]);
                county.wage_entries += 1;
                paid_id += 1;
                b_wage_paid.push(vec![
                    V::I(paid_id),
                    V::I(shift_id),
                    V::I(person),
                    V::I(wage_of_day.total_fen.get()),
                    d(on),
                    t(&now),
                ]);
            }
        }
    }
    // Vegetable fields are free again from May (this season's crops are gone by March):
    // room for planting writes of a few hundredths of a mu each.
    let plots_per_township = i64::from(per_township) * 2;
    for plot in (1..=plot_id).step_by(2).take(20_000) {
        let ti = usize::try_from((plot - 1) / plots_per_township).unwrap_or(0);
        county.free_plots.push((ti, plot, 200));
    }
    county.free_planting_day = NaiveDate::from_ymd_opt(season + 1, 5, 1).unwrap_or(spec.today);
    for batch in [
        &b_townships,
        &b_villages,
        &b_coops,
        &b_households,
        &b_persons,
        &b_plots,
        &b_plantings,
        &b_accounts,
        &b_alliances,
        &b_members,
        &b_leases,
        &b_payments,
        &b_shifts,
        &b_assignments,
        &b_entries,
        &b_wage_paid,
        &b_targets,
    ] {
        batch.write(db).await?;
    }
    // Fresh statistics for PostgreSQL's planner, as autovacuum would gather them. Not on
    // SQLite: its bundled build has STAT4, and with statistics every statement comparing a bound
    // value with an indexed column is compiled again whenever the value changes (three times a
    // farmer page: 2,000 → 3,000 requests/s without them, BENCHMARKS.md).
    if db.backend() == Backend::Postgres {
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }
    Ok(county)
}
