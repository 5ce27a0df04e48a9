//! The printable A4 sheet of sign-in slips (登录条): ten to a page, each with the household,
//! the phone it signs in with, its one-time password and the app's address as a QR code. It is
//! the answer to the POST that created or reset the accounts (the passwords exist nowhere
//! else), so it is a whole document of its own, styled for paper, with no script.

use crate::models::Slip;
use leptos::prelude::*;

/// The QR code of `text` as one SVG path (dark modules), with its side in modules including
/// a four-module quiet zone; `None` when the text is too long for a QR code.
#[cfg(feature = "ssr")]
pub fn qr_path(text: &str) -> Option<(String, usize)> {
    use qrcode::{Color, QrCode};
    let code = QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let mut d = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == Color::Dark {
            let (x, y) = (i % width + 4, i / width + 4);
            d.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((d, width + 8))
}

const SHEET_CSS: &str = "
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif; margin: 0; color: #111; }
.bar { padding: 8px 12px; background: #f3f6f2; border-bottom: 1px solid #cdd8c9; font-size: 15px; }
.bar a, .bar button { font-size: 15px; margin-left: 12px; }
.sheet { display: grid; grid-template-columns: 1fr 1fr; gap: 0; width: 190mm; margin: 0 auto; }
.slip { border: 1px dashed #888; padding: 4mm; height: 55mm; break-inside: avoid; display: grid;
        grid-template-columns: 1fr 30mm; gap: 3mm; font-size: 11pt; }
.slip h2 { font-size: 12pt; margin: 0 0 1mm; }
.slip p { margin: 0.6mm 0; }
.slip .pw { font-family: 'DejaVu Sans Mono', monospace; font-size: 16pt; letter-spacing: 1px; font-weight: bold; }
.slip .note { font-size: 8.5pt; color: #333; }
.slip svg { width: 30mm; height: 30mm; }
.slip .addr { font-size: 7.5pt; word-break: break-all; }
@media screen and (max-width: 760px) { .sheet { width: auto; grid-template-columns: 1fr; } }
@media print { .bar { display: none; } }
";

/// The slip sheet as a whole HTML document. `address` is the app's sign-in address the QR
/// codes carry; `summary` says what was done (shown on screen, not printed).
#[cfg(feature = "ssr")]
pub fn sheet_html(slips: &[Slip], address: &str, summary: &str, back: &str) -> String {
    use leptos::tachys::view::RenderHtml;
    let qr = qr_path(address);
    let owner = Owner::new();
    let body = owner.with(|| {
        view! { <SlipSheet slips=slips.to_vec() address=address.to_owned() qr summary=summary.to_owned() back=back.to_owned() /> }
            .to_html()
    });
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>登录条 · 田联</title>\
         <style>{SHEET_CSS}</style></head><body>{body}</body></html>"
    )
}

#[component]
fn SlipSheet(
    slips: Vec<Slip>,
    address: String,
    qr: Option<(String, usize)>,
    summary: String,
    back: String,
) -> impl IntoView {
    let count = slips.len();
    // Drawn once as a symbol, used by every slip (markup we generate, no user text in it).
    let symbol = qr
        .map(|(d, side)| {
            format!(
                "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\">\
                 <symbol id=\"qr\" viewBox=\"0 0 {side} {side}\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
                 <path d=\"{d}\" fill=\"#000\"/></symbol></svg>"
            )
        })
        .unwrap_or_default();
    let code = "<svg viewBox=\"0 0 10 10\" role=\"img\" aria-label=\"田联网址二维码\">\
                <use href=\"#qr\" width=\"10\" height=\"10\"/></svg>";
    view! {
        <div class="bar" role="status">
            {summary}
            {(count > 0).then(|| view! {
                " " <strong>{format!("请立即打印这 {count} 张登录条：密码只显示这一次。")}</strong>
            })}
            <a href=back>"返回"</a>
        </div>
        <div inner_html=symbol></div>
        <main class="sheet">
            {slips.into_iter().map(|s| {
                let place = [s.township.as_str(), s.village.as_str()].join(" ");
                view! {
                    <section class="slip">
                        <div>
                            <h2>"田联 登录条"</h2>
                            <p>{place.trim().to_owned()}
                                {(!s.household_code.is_empty()).then(|| format!(" · 户编号 {}", s.household_code))}</p>
                            {(!s.head_name.is_empty()).then(|| view! { <p>"户主：" {s.head_name.clone()}</p> })}
                            <p>"登录手机号：" <strong>{s.phone.clone()}</strong></p>
                            <p>"一次性密码：" <span class="pw">{s.password.clone()}</span></p>
                            <p class="note">"首次登录后须设置自己的密码；此密码随即作废。请妥善保管，勿给他人。"</p>
                        </div>
                        <div>
                            <div inner_html=code></div>
                            <p class="addr">{address.clone()}</p>
                        </div>
                    </section>
                }
            }).collect_view()}
        </main>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_sheet_carries_every_slip_and_one_qr_code() {
        let slip = |n: u8| Slip {
            township: "飞虹乡".into(),
            village: "团结村".into(),
            household_code: format!("TJ-{n}"),
            head_name: format!("户主{n}"),
            phone: format!("1870000000{n}"),
            password: format!("abcdefgh{n}{n}"),
        };
        let html = sheet_html(
            &[slip(1), slip(2)],
            "https://tianlian.example/login",
            "已导入 2 户。",
            "/import",
        );
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert_eq!(html.matches("class=\"slip\"").count(), 2);
        assert!(html.contains("abcdefgh11") && html.contains("18700000002"));
        assert_eq!(html.matches("<symbol id=\"qr\"").count(), 1);
        assert!(html.contains("https://tianlian.example/login"));
        let (path, side) = qr_path("https://tianlian.example/login").expect("qr");
        assert!(side >= 21 + 8 && path.starts_with('M'));
    }
}
