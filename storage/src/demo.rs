//! Demo data from the product's seed cases (`shared/agronomy.md`, "The product's own cases"):
//! - 茂县飞虹乡: about 800 mu of winter vegetables (celtuce, cauliflower) to transplant by early
//!   December for the Spring Festival market in February;
//! - 什邡回澜镇 石羊村 and 龙桥村: 欣源羊肚菌专业合作社 grows morels on 700+ mu, pays 10 yuan an hour
//!   for 8-hour days and needs about 300 workers a day.
//!
//! Village names in 飞虹乡 and all household names are invented; 石羊村, 龙桥村 and the cooperative
//! are named in the reports. Loading twice adds nothing: every row has a natural key.

use crate::cooperatives::{self, NewCooperative};
use crate::households::{self, NewHousehold};
use crate::plantings::{self, InsertError};
use crate::plots::{self, NewPlot};
use crate::{Db, StorageError, places, sites};
use chrono::{Days, NaiveDate};
use tianlian_domain::{Fen, Mu, PlantingStatus, Season, ValidPlanting, crops::CATALOGUE};

/// What the demo loader found and added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub households: i64,
    pub plantings: i64,
    pub plantings_added: i64,
}

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "罗", "何",
];
const GIVEN: [&str; 10] = [
    "德华", "秀英", "建国", "桂兰", "明", "春梅", "志强", "玉珍", "国富", "小红",
];

struct Site {
    township: &'static str,
    county: &'static str,
    /// The forecast site whose climate the township's fields share.
    climate_site: &'static str,
    villages: &'static [&'static str],
    households_per_village: usize,
    /// Planting dates of the season, spread over the households.
    first_planting: (i32, u32, u32),
    spread_days: u64,
    crops: &'static [&'static str],
    /// The cooperative of the township's alliance: name, and what the reports say of it.
    cooperative: (&'static str, &'static str),
}

const SITES: [Site; 2] = [
    Site {
        township: "飞虹乡",
        county: "阿坝州茂县",
        climate_site: "maoxian",
        villages: &["团结村", "和平村", "新民村"],
        households_per_village: 40,
        // Transplanting runs from mid-November to the 10 December deadline.
        first_planting: (2026, 11, 12),
        spread_days: 28,
        crops: &["celtuce", "celtuce", "cauliflower"],
        // Invented name: the report names the model "专合组织 + 致富能人 + 贫困户", not the cooperative.
        cooperative: (
            "飞虹乡蔬菜专业合作社",
            "冬季蔬菜（莴笋、花菜）约800亩，12月上旬前移栽完毕，春节前上市。",
        ),
    },
    Site {
        township: "回澜镇",
        county: "德阳市什邡市",
        // 什邡 has no normals of its own yet: the site uses the nearby 都江堰 ones.
        climate_site: "shifang",
        villages: &["石羊村", "龙桥村"],
        households_per_village: 60,
        // Morels are sown from late October into November in the Chengdu plain.
        first_planting: (2026, 10, 25),
        spread_days: 30,
        crops: &["morel"],
        cooperative: (
            "欣源羊肚菌专业合作社",
            "流转石羊村、龙桥村土地700余亩种植羊肚菌；每天约需300名工人，每小时10元，每天8小时，加班另计，工资日结。",
        ),
    },
];

/// The day the demo's season is seen from: plantings before it are "planted", after it "planned".
const DEMO_TODAY: (i32, u32, u32) = (2026, 11, 25);

fn date((y, m, d): (i32, u32, u32)) -> Result<NaiveDate, StorageError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| StorageError::Corrupt("demo date".into()))
}

/// Loads (or completes) the demo data. Safe to run any number of times.
///
/// # Errors
/// The database refused a statement.
pub async fn load(db: &Db) -> Result<DemoSummary, StorageError> {
    let today = date(DEMO_TODAY)?;
    let mut added = 0;
    for (site_no, site) in SITES.iter().enumerate() {
        let township_id = places::ensure_township(db, site.township, site.county).await?;
        sites::set_township_site(db, township_id, site.climate_site).await?;
        cooperatives::ensure(
            db,
            &NewCooperative {
                township_id,
                name: site.cooperative.0,
                registration: None,
                // 10 yuan an hour, 8-hour days, overtime extra (什邡回澜镇 report); 1.5× is our default.
                hourly_wage: Fen::from_yuan(10),
                regular_hours_per_day: 8,
                overtime_percent: 150,
                notes: site.cooperative.1,
            },
        )
        .await?;
        for (v_no, village) in site.villages.iter().enumerate() {
            let village_id = places::ensure_village(db, township_id, village).await?;
            for h in 0..site.households_per_village {
                let n = site_no * 1000 + v_no * 100 + h;
                let name = format!(
                    "{}{}",
                    SURNAMES[n % SURNAMES.len()],
                    GIVEN[(n / 3) % GIVEN.len()]
                );
                let code = format!("demo-{site_no}-{v_no}-{h:03}");
                let phone = format!("1380000{n:04}");
                let household_id = households::ensure(
                    db,
                    &NewHousehold {
                        village_id,
                        code: &code,
                        head_name: &name,
                        phone: Some(&phone),
                        members: 2 + (n % 5) as i64,
                        is_poor: n % 6 == 0,
                        poor_since_year: (n % 6 == 0).then_some(2014 + (n % 4) as i64),
                    },
                )
                .await?;
                // 6.00–8.95 mu a plot: 120 plots ≈ 840 mu in 飞虹乡, 120 ≈ 850 mu in 回澜镇.
                let area = Mu::from_centi(600 + ((n * 37) % 296) as i64);
                let plot_code = format!("{}-{:03}", v_no + 1, h + 1);
                let plot_id = plots::ensure(
                    db,
                    &NewPlot {
                        village_id,
                        code: &plot_code,
                        area,
                        owner_household_id: Some(household_id),
                        irrigation: if h % 3 == 0 { "furrow" } else { "" },
                    },
                )
                .await?;
                let ref_code = format!("{code}-2026");
                if plantings::ref_exists(db, &ref_code).await? {
                    continue;
                }
                let crop_code = site.crops[h % site.crops.len()];
                let season_days = CATALOGUE
                    .iter()
                    .find(|c| c.code == crop_code)
                    .map_or(100, |c| c.season_days);
                let planted_on = date(site.first_planting)?
                    .checked_add_days(Days::new((h as u64 * 7) % site.spread_days))
                    .ok_or_else(|| StorageError::Corrupt("demo date".into()))?;
                let status = if planted_on <= today {
                    PlantingStatus::Planted
                } else {
                    PlantingStatus::Planned
                };
                // Nine in ten households plant the whole plot, the rest leave a strip free.
                let planted_area = if h % 10 == 9 {
                    Mu::from_centi(area.centi() / 2)
                } else {
                    area
                };
                let valid = ValidPlanting {
                    crop_code: crop_code.to_owned(),
                    area: planted_area,
                    planted_on,
                    status,
                    season: Season::starting(planted_on, season_days),
                };
                match plantings::insert_checked(db, plot_id, Some(&ref_code), |_| {
                    Ok::<_, ()>(valid)
                })
                .await
                {
                    Ok(_) => added += 1,
                    Err(InsertError::Storage(e)) => return Err(e),
                    Err(other) => {
                        return Err(StorageError::Corrupt(format!("demo planting: {other}")));
                    }
                }
            }
        }
    }
    // Shifts are dated from the day the demo is loaded, so the demo farmer always has a next
    // shift and the cooperative a day just worked, whenever the demo is opened.
    let loaded_on = tianlian_domain::clock::china_day(chrono::Utc::now());
    for (site_no, site) in SITES.iter().enumerate() {
        load_alliance(db, site_no, site, loaded_on).await?;
    }
    Ok(DemoSummary {
        households: households::count(db).await?,
        plantings: plantings::count(db).await?,
        plantings_added: added,
    })
}

/// The alliance of each seed case: people of every household (the head, and a second adult in
/// households of three or more), one alliance per cooperative led by a skilled farmer with
/// every poor household as a mentored member; in 回澜镇 the morel plots leased to the
/// cooperative and two shifts, one worked and settled. Lease fees and the income line are
/// invented demo values (no figure in the reports).
async fn load_alliance(
    db: &Db,
    site_no: usize,
    site: &Site,
    loaded_on: NaiveDate,
) -> Result<(), StorageError> {
    use crate::{alliance, work};
    let township_id = places::ensure_township(db, site.township, site.county).await?;
    let coop_id: i64 = sqlx::query_scalar("SELECT id FROM cooperatives WHERE name = $1")
        .bind(site.cooperative.0)
        .fetch_one(db.pool())
        .await?;
    let homes: Vec<(i64, String, String, Option<String>, i64, i32)> = sqlx::query_as(
        "SELECT h.id, h.code, h.head_name, h.phone, h.members, h.is_poor FROM households h
         JOIN villages v ON v.id = h.village_id WHERE v.township_id = $1 AND h.code LIKE 'demo-%' ORDER BY h.code",
    )
    .bind(township_id)
    .fetch_all(db.pool())
    .await?;
    let people: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM persons pe JOIN households h ON h.id = pe.household_id
         JOIN villages v ON v.id = h.village_id WHERE v.township_id = $1",
    )
    .bind(township_id)
    .fetch_one(db.pool())
    .await?;
    if people == 0 {
        for (n, (id, _, head, phone, members, _)) in homes.iter().enumerate() {
            work::add_person(db, *id, head, phone.as_deref(), true).await?;
            if *members >= 3 {
                let second = format!(
                    "{}{}",
                    head.chars().next().unwrap_or('王'),
                    GIVEN[(n + site_no) % GIVEN.len()]
                );
                work::add_person(db, *id, &second, None, n % 5 != 4).await?;
            }
        }
        // Grown-up members beyond the first two, up to four a household, added after the rest
        // so the first two keep their ids: 回澜镇's 120 households then have the 300-odd people
        // able to work that 欣源's 300-worker morel days need (什邡回澜镇 report).
        for (n, (id, _, head, _, members, _)) in homes.iter().enumerate() {
            for k in 3..=(*members).min(4) {
                let name = format!(
                    "{}{}",
                    head.chars().next().unwrap_or('王'),
                    GIVEN[(n + site_no + usize::try_from(k).unwrap_or(0) * 7) % GIVEN.len()]
                );
                work::add_person(db, *id, &name, None, k == 3 || n % 3 != 0).await?;
            }
        }
    }
    let alliance_id = alliance::ensure_alliance(
        db,
        coop_id,
        &format!("{}联农带农联合体", site.township),
        date((2026, 9, 1))?,
    )
    .await?;
    if alliance::members(db, Some(coop_id), None, None)
        .await?
        .is_empty()
    {
        let joined = date((2026, 9, 1))?;
        // The skilled farmer (致富能人): the first household that is not poor.
        if let Some((able, ..)) = homes.iter().find(|h| h.5 == 0) {
            let mentor = alliance::add_member(db, alliance_id, *able, "able", None, joined).await?;
            for (i, (id, _, _, _, _, poor)) in homes.iter().enumerate() {
                if id == able {
                    continue;
                }
                if *poor != 0 {
                    alliance::add_member(db, alliance_id, *id, "member", Some(mentor), joined)
                        .await?;
                } else if i % 4 == 1 {
                    alliance::add_member(db, alliance_id, *id, "member", None, joined).await?;
                }
            }
        }
    }
    if site_no == 0 {
        return transplanting_shift(db, coop_id, loaded_on).await;
    }
    if site_no != 1
        || !alliance::leases(db, Some(coop_id), None, None)
            .await?
            .is_empty()
    {
        return Ok(());
    }
    // 回澜镇: the morel plots leased to the cooperative for five years, rent yearly in advance.
    let plots: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT p.id, p.owner_household_id, p.area_centi_mu FROM plots p JOIN villages v ON v.id = p.village_id
         WHERE v.township_id = $1 AND p.owner_household_id IS NOT NULL ORDER BY p.id",
    )
    .bind(township_id)
    .fetch_all(db.pool())
    .await?;
    let (start, end) = (date((2026, 10, 1))?, date((2031, 9, 30))?);
    for (plot, owner, area) in plots {
        let lease = tianlian_domain::lease::Lease {
            area: Mu::from_centi(area),
            fee_per_mu_year: Fen::from_yuan(800),
            starts_on: start,
            ends_on: end,
            schedule: tianlian_domain::lease::PaySchedule::Annual,
        };
        let payments = tianlian_domain::lease::payment_schedule(&lease);
        alliance::create_lease_checked(db, plot, owner, coop_id, |_, _| {
            Ok::<_, ()>((lease, payments))
        })
        .await
        .map_err(|e| StorageError::Corrupt(format!("demo lease: {e}")))?;
    }
    // The morels on leased land are the cooperative's crop.
    sqlx::query(
        "UPDATE plantings SET cooperative_id = $1
         WHERE plot_id IN (SELECT plot_id FROM leases WHERE cooperative_id = $1)",
    )
    .bind(coop_id)
    .execute(db.pool())
    .await?;
    sqlx::query(
        "UPDATE lease_payments SET paid_on = $1 WHERE due_on = $1
           AND lease_id IN (SELECT id FROM leases WHERE cooperative_id = $2)",
    )
    .bind(crate::iso(start))
    .bind(coop_id)
    .execute(db.pool())
    .await?;
    alliance::set_income_line(db, 2026, Fen::from_yuan(4_000)).await?;
    // A sowing day already worked and settled, and tomorrow's spawn rubbing still to staff.
    let worked = loaded_on
        .checked_sub_days(Days::new(5))
        .unwrap_or(loaded_on);
    let rules = tianlian_domain::wages::WageRules::default();
    let sowing = work::NewShift {
        cooperative_id: coop_id,
        day: worked,
        task_code: "sowing",
        plot_id: None,
        headcount: 3,
        hours: tianlian_domain::wages::Hours::from_whole(8),
        hourly: rules.hourly_fen,
        regular_hours_centi: rules.regular_hours_per_day_centi,
        overtime_percent: rules.overtime_percent,
        created_by: None,
    };
    let shift = work::create(db, &sowing).await?;
    let workers: Vec<i64> = sqlx::query_scalar(
        "SELECT pe.id FROM persons pe JOIN households h ON h.id = pe.household_id JOIN villages v ON v.id = h.village_id
         WHERE v.township_id = $1 AND h.is_poor = 1 ORDER BY pe.id LIMIT 3",
    )
    .bind(township_id)
    .fetch_all(db.pool())
    .await?;
    for (i, person) in workers.iter().enumerate() {
        work::assign_checked(db, shift, *person, |_, _, _| Ok::<_, ()>(()))
            .await
            .map_err(|e| StorageError::Corrupt(format!("demo shift: {e}")))?;
        let hours = tianlian_domain::wages::Hours::from_centi(if i == 1 { 900 } else { 800 });
        let wage = tianlian_domain::wages::wage(&rules, hours);
        work::record_hours(db, shift, *person, hours, &wage, None, None)
            .await
            .map_err(|e| StorageError::Corrupt(format!("demo hours: {e}")))?;
    }
    work::settle(db, shift, worked, None)
        .await
        .map_err(|e| StorageError::Corrupt(format!("demo settle: {e}")))?;
    work::create(
        db,
        &work::NewShift {
            day: loaded_on
                .checked_add_days(Days::new(1))
                .unwrap_or(loaded_on),
            task_code: "spawn_rubbing",
            headcount: 300,
            ..sowing
        },
    )
    .await?;
    Ok(())
}

/// 飞虹乡: the day after tomorrow the cooperative transplants celtuce on its member's plot, and
/// the demo farmer's household (demo-0-0-009) is booked: the first thing its phone shows.
async fn transplanting_shift(db: &Db, coop_id: i64, today: NaiveDate) -> Result<(), StorageError> {
    use crate::work;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shifts WHERE cooperative_id = $1")
        .bind(coop_id)
        .fetch_one(db.pool())
        .await?;
    let person: Option<(i64, i64)> = sqlx::query_as(
        "SELECT pe.id, p.id FROM persons pe JOIN households h ON h.id = pe.household_id
         JOIN plots p ON p.owner_household_id = h.id WHERE h.code = 'demo-0-0-009' ORDER BY pe.id, p.id LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await?;
    let Some((person, plot)) = person.filter(|_| existing == 0) else {
        return Ok(());
    };
    let rules = tianlian_domain::wages::WageRules::default();
    let shift = work::create(
        db,
        &work::NewShift {
            cooperative_id: coop_id,
            day: today.checked_add_days(Days::new(2)).unwrap_or(today),
            task_code: "transplanting",
            plot_id: Some(plot),
            headcount: 6,
            hours: tianlian_domain::wages::Hours::from_whole(8),
            hourly: rules.hourly_fen,
            regular_hours_centi: rules.regular_hours_per_day_centi,
            overtime_percent: rules.overtime_percent,
            created_by: None,
        },
    )
    .await?;
    work::assign_checked(db, shift, person, |_, _, _| Ok::<_, ()>(()))
        .await
        .map_err(|e| StorageError::Corrupt(format!("demo shift: {e}")))?;
    Ok(())
}
