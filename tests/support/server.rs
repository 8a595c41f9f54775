//! A tokio HTTP/1.1 server on 127.0.0.1:0 with byte-exact control of what
//! it writes and when: scripted replies (raw bytes, SSE chunks with pauses,
//! a cut in mid-stream). It records every request it receives, and when it
//! is dropped it fails the test if nobody called it.

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// One step of a reply.
#[derive(Clone, Debug)]
pub enum Step {
    Write(Vec<u8>),
    Pause(Duration),
}

/// What the server answers to one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub steps: Vec<Step>,
}

impl Reply {
    /// A whole raw response (status line, headers, body), e.g. a `.http` fixture.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply {
            steps: vec![Step::Write(bytes.into())],
        }
    }

    /// A JSON body with a status.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::raw(format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        ))
    }

    /// An SSE stream written in the given pieces, then the connection closes.
    pub fn sse_pieces(pieces: Vec<Vec<u8>>) -> Reply {
        let mut steps = vec![Step::Write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n"
                .to_vec(),
        )];
        steps.extend(pieces.into_iter().map(Step::Write));
        Reply { steps }
    }

    /// An SSE stream in one write.
    pub fn sse(body: impl Into<Vec<u8>>) -> Reply {
        Reply::sse_pieces(vec![body.into()])
    }

    /// An SSE stream written one byte at a time.
    pub fn sse_bytewise(body: &[u8]) -> Reply {
        Reply::sse_pieces(body.iter().map(|b| vec![*b]).collect())
    }

    /// Add steps (pauses, more bytes) after the current ones.
    pub fn then(mut self, step: Step) -> Reply {
        self.steps.push(step);
        self
    }
}

pub struct Server {
    pub port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    expect_hit: bool,
}

impl Server {
    /// Serve `replies` in order; the last one repeats.
    pub fn start(replies: Vec<Reply>) -> Server {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let recorded = requests.clone();
        thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap().port()).unwrap();
                let mut n = 0usize;
                loop {
                    let Ok((sock, _)) = listener.accept().await else {
                        break;
                    };
                    let reply = replies[n.min(replies.len() - 1)].clone();
                    n += 1;
                    let recorded = recorded.clone();
                    tokio::spawn(async move {
                        let _ = serve(sock, reply, recorded).await;
                    });
                }
            });
        });
        let port = rx.recv().unwrap();
        Server {
            port,
            requests,
            expect_hit: true,
        }
    }

    pub fn one(reply: Reply) -> Server {
        Server::start(vec![reply])
    }

    /// A server that the test expects yap never to call.
    pub fn unused(mut self) -> Server {
        self.expect_hit = false;
        self
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    pub fn only_request(&self) -> Recorded {
        let r = self.requests();
        assert_eq!(r.len(), 1, "expected one request, got {}", r.len());
        r.into_iter().next().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if thread::panicking() {
            return;
        }
        let hits = self.requests.lock().unwrap().len();
        if self.expect_hit {
            assert!(hits > 0, "test server exited without being called");
        } else {
            assert_eq!(hits, 0, "the server was called but should not have been");
        }
    }
}

async fn serve(
    mut sock: TcpStream,
    reply: Reply,
    recorded: Arc<Mutex<Vec<Recorded>>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        let n = sock.read(&mut tmp).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut tmp).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    recorded.lock().unwrap().push(Recorded {
        method,
        path,
        headers,
        body,
    });
    for step in reply.steps {
        match step {
            Step::Write(bytes) => {
                sock.write_all(&bytes).await?;
                sock.flush().await?;
            }
            Step::Pause(d) => tokio::time::sleep(d).await,
        }
    }
    sock.shutdown().await?;
    Ok(())
}
