//! The body of an event-stream answer (StartLiveTail, GetLogObject): the opening messages,
//! then, for a Live Tail session, one `sessionUpdate` per update the ticker cuts, until the
//! session times out (SessionTimeoutException), the server stops (SessionStreamingException)
//! or the client goes away. Dropping the body (hyper does when the connection ends) drops the
//! session's registration, which removes it: nothing outlives the connection.
//!
//! The connection timeouts do not cut it: hyper's header-read timeout applies only while a
//! request head is read, and the request body was read in full before the answer began.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Bytes;
use http_body::Frame;

use crate::live_tail::Registration;
use crate::ops::{self, EventStream};

/// A Live Tail session being streamed.
struct Live {
    registration: Registration,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

/// An [`EventStream`] as a response body.
pub(super) struct EventStreamBody {
    opening: VecDeque<Bytes>,
    live: Option<Live>,
}

impl EventStreamBody {
    pub(super) fn new(stream: EventStream) -> Self {
        Self {
            opening: stream.opening.into(),
            live: stream.live_tail.map(|registration| Live {
                deadline: Box::pin(tokio::time::sleep(registration.timeout())),
                registration,
            }),
        }
    }
}

impl http_body::Body for EventStreamBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        if let Some(message) = this.opening.pop_front() {
            return Poll::Ready(Some(Ok(Frame::data(message))));
        }
        let Some(live) = &mut this.live else {
            return Poll::Ready(None);
        };
        if live.deadline.as_mut().poll(cx).is_ready() {
            let timeout = live.registration.timeout();
            this.live = None;
            return Poll::Ready(Some(Ok(Frame::data(ops::timeout_frame(timeout)))));
        }
        match live.registration.session().poll_update(cx) {
            Poll::Ready(Some(update)) => {
                Poll::Ready(Some(Ok(Frame::data(ops::update_frame(&update)))))
            }
            Poll::Ready(None) => {
                this.live = None;
                Poll::Ready(Some(Ok(Frame::data(ops::server_ended_frame()))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.opening.is_empty() && self.live.is_none()
    }
}
