//! What `sarflow run --demo` prints once the API listens: a bearer token for each kind of user
//! and a partner key, with example requests, so a newcomer can search and work the queues of
//! the seeded reports at once. The tokens are signed with the data directory's secret and live
//! eight hours; the partner key is stored hashed like any other.

use std::{io::Write, net::SocketAddr, time::Duration};

use anyhow::Context as _;
use sar_model::access::{ALL_JURISDICTIONS, Caller, Role};

use crate::config::RunConfig;

/// Lifetime of the demo tokens.
const DEMO_TTL: Duration = Duration::from_secs(8 * 3600);
/// The agency of the demo officer (its reports must name it as `submitter.org_id`).
const DEMO_AGENCY: &str = "DEMO-PD";
/// The demo partner.
const DEMO_PARTNER: &str = "demo-retail";

/// Prints the demo credentials and example requests to `output`.
pub(crate) fn print_credentials(
    config: &RunConfig,
    addr: SocketAddr,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    let keys = crate::tokens::token_keys(config)?;
    let now = crate::unix_now();
    let token = |subject: &str, role: Role, pii: bool| {
        keys.issue(
            &Caller {
                subject: subject.to_owned(),
                role,
                agency: DEMO_AGENCY.to_owned(),
                jurisdictions: vec![ALL_JURISDICTIONS.to_owned()],
                pii,
            },
            DEMO_TTL,
            now,
        )
        .context("failed to sign a demo token")
    };
    let officer = token("demo-officer", Role::Officer, false)?;
    let analyst = token("demo-analyst", Role::Analyst, false)?;
    let supervisor = token("demo-supervisor", Role::Supervisor, true)?;
    let privacy = token("demo-privacy", Role::PrivacyOfficer, true)?;
    let auditor = token("demo-auditor", Role::Auditor, false)?;
    let mut store = sar_store::Journal::open(&config.data_dir.join(crate::run::STORE_FILE))
        .context("failed to open the store")?;
    let partner = sar_intake::issue_partner_key(&mut store, DEMO_PARTNER, "Demo County")
        .context("failed to issue the demo partner key")?;
    let base = format!("http://{addr}");
    writeln!(
        output,
        "sarflow is serving on {base} (data in {}); Ctrl-C stops it.\n\
         \n\
         Demo credentials (8 hours; `sarflow tokens issue` makes more):\n\
         \x20 OFFICER={officer}\n\
         \x20 ANALYST={analyst}            # Summary view: no PII\n\
         \x20 SUPERVISOR={supervisor}      # need-to-know on PII\n\
         \x20 PRIVACY={privacy}\n\
         \x20 AUDITOR={auditor}\n\
         \x20 PARTNER_KEY='{}'\n\
         \x20 PARTNER_SIGNING_KEY={}\n\
         \n\
         Try:\n\
         \x20 curl -s -H \"Authorization: Bearer $ANALYST\" '{base}/v1/search?q=photographing&sort=score'\n\
         \x20 curl -s -H \"Authorization: Bearer $SUPERVISOR\" '{base}/v1/search?q=fence&purpose=triage'\n\
         \x20 curl -s -H \"Authorization: Bearer $ANALYST\" '{base}/v1/queues'\n\
         \x20 curl -s -H \"Authorization: Bearer $ANALYST\" '{base}/v1/queues/standard/items?limit=5'\n\
         \x20 curl -s {base}/v1/openapi.json\n\
         Officers submit with POST {base}/v1/reports (JSON intake record, submitter.org_id = {DEMO_AGENCY});\n\
         partners with POST {base}/v1/feed/batches (docs/partner-feed.md).",
        config.data_dir.display(),
        partner.authorization(),
        partner.signing_key,
    )?;
    output.flush()?;
    Ok(())
}
