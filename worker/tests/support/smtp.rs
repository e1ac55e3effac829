//! A real SMTP server inside the test process (mailin-embedded, on its own threads), so the
//! email tests need nothing installed. It keeps what it accepts in memory, each message
//! prefixed with an `X-Envelope-To` header per recipient, and its behaviour can be switched
//! while it runs: accept, refuse every recipient (550), or fail data for now (451).
//!
//! Shared by the worker's and the api's integration tests (`#[path]` in each `main.rs`).

use std::{
    net::{IpAddr, TcpListener},
    sync::{Arc, Mutex},
};

use mailin_embedded::{Handler, Response, Server, response};

/// How the server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Accepts every message.
    Accept,
    /// Refuses every recipient for good (550).
    Reject,
    /// Fails every message for now (451 after DATA).
    TempFail,
}

#[derive(Debug)]
struct Shared {
    mode: Mode,
    messages: Vec<Vec<u8>>,
}

/// A running SMTP server; it lives until the test process ends.
#[derive(Clone)]
pub struct SmtpSink {
    port: u16,
    shared: Arc<Mutex<Shared>>,
}

#[derive(Clone)]
struct Session {
    shared: Arc<Mutex<Shared>>,
    recipients: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Session {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        self.recipients.clear();
        self.data.clear();
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if self.shared.lock().unwrap().mode == Mode::Reject {
            return Response::custom(550, "5.1.1 mailbox unavailable".into());
        }
        self.recipients.push(to.to_owned());
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mut shared = self.shared.lock().unwrap();
        if shared.mode == Mode::TempFail {
            return Response::custom(451, "4.3.0 try again later".into());
        }
        let mut message: Vec<u8> = self
            .recipients
            .iter()
            .flat_map(|r| format!("X-Envelope-To: {r}\r\n").into_bytes())
            .collect();
        message.append(&mut self.data);
        shared.messages.push(message);
        response::OK
    }
}

impl SmtpSink {
    /// Starts a server on `port` of 127.0.0.1.
    pub fn start(port: u16, mode: Mode) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("binding the SMTP sink's port");
        Self::serve(listener, mode)
    }

    /// Starts a server on a free port.
    pub fn start_anywhere(mode: Mode) -> Self {
        Self::serve(
            TcpListener::bind("127.0.0.1:0").expect("binding a free port"),
            mode,
        )
    }

    fn serve(listener: TcpListener, mode: Mode) -> Self {
        let port = listener.local_addr().expect("bound").port();
        let shared = Arc::new(Mutex::new(Shared {
            mode,
            messages: Vec::new(),
        }));
        let handler = Session {
            shared: shared.clone(),
            recipients: Vec::new(),
            data: Vec::new(),
        };
        let mut server = Server::new(handler);
        server
            .with_name("sink.test")
            .with_num_threads(16)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self { port, shared }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:<port>`, for `SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Changes how the server answers from the next command on.
    pub fn set_mode(&self, mode: Mode) {
        self.shared.lock().unwrap().mode = mode;
    }

    /// Messages accepted so far, in order.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        self.shared.lock().unwrap().messages.clone()
    }
}
