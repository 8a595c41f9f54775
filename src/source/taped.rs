//! A source for `--cassette` under a tool loop: each request is looked up
//! in the cassette on its own (the same endpoint, the same body as JSON,
//! the newest match) and played back when it is there; otherwise it goes
//! to the network (made only then, so a loop that is all in the cassette
//! needs no key), or, in replay mode, fails. The tool commands between the
//! steps still run locally.

use std::cell::{Cell, OnceCell};
use std::path::PathBuf;
use std::time::Instant;

use bytes::Bytes;

use super::live::{Live, LiveBody};
use super::recorded::{Recorded, RecordedBody};
use super::{Activity, Body, Failed, Opened, Source};
use crate::cassette;
use crate::error::Failure;
use crate::request::Prepared;

pub struct Taped<'a> {
    cassette: PathBuf,
    /// `--cassette-mode replay`: never send.
    replay_only: bool,
    live: OnceCell<Live>,
    make_live: Box<dyn Fn() -> Result<Live, Failure> + 'a>,
    played: Cell<bool>,
}

impl<'a> Taped<'a> {
    pub fn new(
        cassette: PathBuf,
        replay_only: bool,
        make_live: impl Fn() -> Result<Live, Failure> + 'a,
    ) -> Taped<'a> {
        Taped {
            cassette,
            replay_only,
            live: OnceCell::new(),
            make_live: Box::new(make_live),
            played: Cell::new(false),
        }
    }

    /// Was the last request played back from the cassette (so that it is
    /// neither appended to it nor written to the history)?
    pub fn played_last(&self) -> bool {
        self.played.get()
    }

    fn live(&self) -> Result<&Live, Failure> {
        if let Some(live) = self.live.get() {
            return Ok(live);
        }
        let made = (self.make_live)()?;
        Ok(self.live.get_or_init(|| made))
    }
}

pub enum TapedBody {
    Live(LiveBody),
    Recorded(RecordedBody),
}

impl Body for TapedBody {
    async fn next(&mut self) -> Result<Option<Bytes>, Failure> {
        match self {
            TapedBody::Live(b) => b.next().await,
            TapedBody::Recorded(b) => b.next().await,
        }
    }
}

impl Source for Taped<'_> {
    type Body = TapedBody;

    async fn open(
        &self,
        req: &Prepared,
        deadline: Option<Instant>,
        activity: &dyn Activity,
    ) -> Result<Opened<TapedBody>, Failed> {
        let endpoint = cassette::endpoint_of(&req.url);
        let lookup = match cassette::find(&self.cassette, endpoint, req.body.as_ref()) {
            Ok(lookup) => lookup,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => cassette::Lookup::default(),
            Err(e) => {
                return Err(Failure::usage(format!(
                    "cannot read the cassette {}: {e}",
                    self.cassette.display()
                ))
                .into());
            }
        };
        if let Some((offset, summary)) = lookup.found {
            self.played.set(true);
            let recorded = Recorded::new(&self.cassette, offset, summary, None);
            let opened = recorded.open(req, deadline, activity).await?;
            return Ok(Opened {
                head: opened.head,
                body: TapedBody::Recorded(opened.body),
                started: opened.started,
            });
        }
        self.played.set(false);
        if self.replay_only {
            return Err(Failure::usage(format!(
                "no exchange in the cassette {} matches this step's request to /{} \
                 (--cassette-mode replay sends nothing); record it with --cassette-mode auto",
                self.cassette.display(),
                endpoint.unwrap_or("(an unknown endpoint)")
            ))
            .into());
        }
        let opened = self.live()?.open(req, deadline, activity).await?;
        Ok(Opened {
            head: opened.head,
            body: TapedBody::Live(opened.body),
            started: opened.started,
        })
    }
}
