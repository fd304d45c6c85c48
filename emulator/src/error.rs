//! The one error type: each variant is an exception CloudWatch Logs (or its JSON 1.1 front end)
//! sends. The wire code and the HTTP status come from two exhaustive matches, so a new variant
//! without a mapping does not compile. The store and the handlers return it; `protocol` writes it.

use thiserror::Error;

/// An error as AWS reports it: the variant is the exception's `__type`, the string its message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LogsError {
    /// A parameter failed validation (AWS's `InvalidParameterException`).
    #[error("{0}")]
    InvalidParameter(String),
    /// The named group, stream or other resource does not exist.
    #[error("{0}")]
    ResourceNotFound(String),
    /// The resource being created exists already.
    #[error("{0}")]
    ResourceAlreadyExists(String),
    /// PutLogEvents was sent a sequence token other than the stream's expected one.
    #[error("{message}")]
    InvalidSequenceToken {
        /// The text, ending with the expected token.
        message: String,
        /// The token the next put must carry, when the stream has one.
        expected_sequence_token: Option<String>,
    },
    /// PutLogEvents resent the batch that the stream accepted last.
    #[error("{message}")]
    DataAlreadyAccepted {
        /// The text, ending with the expected token.
        message: String,
        /// The token the next put must carry.
        expected_sequence_token: Option<String>,
    },
    /// A concurrent change won, e.g. a stale `expectedRevisionId` (AWS's
    /// `OperationAbortedException`).
    #[error("{0}")]
    OperationAborted(String),
    /// The operation is not valid in the resource's state (AWS's `InvalidOperationException`).
    #[error("{0}")]
    InvalidOperation(String),
    /// An account or resource quota was reached.
    #[error("{0}")]
    LimitExceeded(String),
    /// Too many tags on a resource (TagResource).
    #[error("{message}")]
    TooManyTags {
        /// The text.
        message: String,
        /// The ARN of the resource.
        resource_name: String,
    },
    /// A Logs Insights query that does not compile, with where (`MalformedQueryException`).
    #[error("{message}")]
    MalformedQuery {
        /// What is wrong.
        message: String,
        /// First character of the offending text.
        start: usize,
        /// One past its last character.
        end: usize,
    },
    /// The caller may not do this (AWS's `AccessDeniedException`), e.g. a subscription to
    /// another account's Lambda function.
    #[error("{0}")]
    AccessDenied(String),
    /// A request-level validation failure (AWS's `ValidationException`).
    #[error("{0}")]
    Validation(String),
    /// The body is not JSON, or a member has the wrong JSON type.
    #[error("{0}")]
    Serialization(String),
    /// `X-Amz-Target` is missing or names no CloudWatch Logs operation.
    #[error("{0}")]
    UnknownOperation(String),
    /// A real CloudWatch Logs operation that this emulator does not implement (yet).
    #[error("{0}")]
    NotImplemented(String),
    /// The request body is larger than the emulator reads.
    #[error("{0}")]
    RequestTooLarge(String),
    /// The service failed (AWS's `ServiceUnavailableException`, a 500). Only an emulator bug
    /// leads here.
    #[error("{0}")]
    ServiceUnavailable(String),
    /// The path or method is not the JSON 1.1 endpoint.
    #[error("{0}")]
    NotFound(String),
    /// `/` was reached with a method other than POST.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The SigV4 credential scope is unusable, e.g. it names no valid region (AWS's front end
    /// answers `InvalidSignatureException` before the service sees the request).
    #[error("{0}")]
    InvalidSignature(String),
    /// The request body did not arrive in time (the connection is closed after the answer).
    #[error("{0}")]
    RequestTimeout(String),
    /// A state-changing emulator route was called the way a web page could call it.
    #[error("{0}")]
    Forbidden(String),
    /// A request-rate quota was exceeded (`--quotas`): AWS's `ThrottlingException`, a 400.
    #[error("{0}")]
    Throttling(String),
    /// The request conflicts with the resource's state or another resource, e.g. deleting a
    /// delivery source a delivery still uses (AWS's `ConflictException`).
    #[error("{0}")]
    Conflict(String),
    /// An account quota of the newer APIs (deliveries, integrations, ...) was reached (AWS's
    /// `ServiceQuotaExceededException`).
    #[error("{0}")]
    ServiceQuotaExceeded(String),
}

impl LogsError {
    /// The wire code (`__type` and `X-Amzn-ErrorType`) clients map to their typed exceptions.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidParameter(_) => "InvalidParameterException",
            Self::ResourceNotFound(_) => "ResourceNotFoundException",
            Self::ResourceAlreadyExists(_) => "ResourceAlreadyExistsException",
            Self::InvalidSequenceToken { .. } => "InvalidSequenceTokenException",
            Self::MalformedQuery { .. } => "MalformedQueryException",
            Self::DataAlreadyAccepted { .. } => "DataAlreadyAcceptedException",
            Self::LimitExceeded(_) => "LimitExceededException",
            Self::OperationAborted(_) => "OperationAbortedException",
            Self::InvalidOperation(_) => "InvalidOperationException",
            Self::TooManyTags { .. } => "TooManyTagsException",
            Self::AccessDenied(_) => "AccessDeniedException",
            Self::Validation(_) => "ValidationException",
            Self::Serialization(_) => "SerializationException",
            Self::UnknownOperation(_) => "UnknownOperationException",
            Self::NotImplemented(_) => "NotImplementedException",
            Self::ServiceUnavailable(_) => "ServiceUnavailableException",
            Self::RequestTooLarge(_) => "RequestEntityTooLargeException",
            Self::NotFound(_) => "NotFoundException",
            Self::MethodNotAllowed(_) => "MethodNotAllowedException",
            Self::InvalidSignature(_) => "InvalidSignatureException",
            Self::Forbidden(_) => "AccessDeniedException",
            Self::RequestTimeout(_) => "RequestTimeoutException",
            Self::Throttling(_) => "ThrottlingException",
            Self::Conflict(_) => "ConflictException",
            Self::ServiceQuotaExceeded(_) => "ServiceQuotaExceededException",
        }
    }

    /// The HTTP status AWS answers with for this error.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::InvalidParameter(_)
            | Self::ResourceNotFound(_)
            | Self::ResourceAlreadyExists(_)
            | Self::InvalidSequenceToken { .. }
            | Self::MalformedQuery { .. }
            | Self::DataAlreadyAccepted { .. }
            | Self::LimitExceeded(_)
            | Self::OperationAborted(_)
            | Self::InvalidOperation(_)
            | Self::TooManyTags { .. }
            | Self::AccessDenied(_)
            | Self::Validation(_)
            | Self::Serialization(_)
            | Self::UnknownOperation(_)
            | Self::InvalidSignature(_)
            | Self::Throttling(_)
            | Self::Conflict(_)
            | Self::ServiceQuotaExceeded(_) => 400,
            Self::Forbidden(_) => 403,
            Self::RequestTimeout(_) => 408,
            Self::NotFound(_) => 404,
            Self::MethodNotAllowed(_) => 405,
            Self::RequestTooLarge(_) => 413,
            Self::NotImplemented(_) => 501,
            Self::ServiceUnavailable(_) => 500,
        }
    }

    /// Members some exceptions carry besides `message`: `expectedSequenceToken` on the two
    /// sequence-token errors, `resourceName` on TooManyTagsException.
    pub fn extra_member(&self) -> Option<(&'static str, serde_json::Value)> {
        match self {
            Self::InvalidSequenceToken {
                expected_sequence_token,
                ..
            }
            | Self::DataAlreadyAccepted {
                expected_sequence_token,
                ..
            } => expected_sequence_token
                .as_deref()
                .map(|token| ("expectedSequenceToken", token.into())),
            Self::TooManyTags { resource_name, .. } => {
                Some(("resourceName", resource_name.as_str().into()))
            }
            Self::MalformedQuery {
                message,
                start,
                end,
            } => Some((
                "queryCompileError",
                serde_json::json!({
                    "location": {"startCharOffset": start, "endCharOffset": end},
                    "message": message,
                }),
            )),
            _ => None,
        }
    }

    /// `The specified log group does not exist.`
    pub fn log_group_not_found() -> Self {
        Self::ResourceNotFound("The specified log group does not exist.".into())
    }

    /// `The specified log stream does not exist.`
    pub fn log_stream_not_found() -> Self {
        Self::ResourceNotFound("The specified log stream does not exist.".into())
    }

    /// `Policy with name [<name>] does not exist.` (a resource or account policy; recorded
    /// from AWS in localstack's `test_logs_resource_policies.snapshot.json`).
    pub fn policy_not_found(name: &str) -> Self {
        Self::ResourceNotFound(format!("Policy with name [{name}] does not exist."))
    }

    /// `The specified nextToken is invalid.`
    pub fn invalid_next_token() -> Self {
        Self::InvalidParameter("The specified nextToken is invalid.".into())
    }
}

/// Shorthand for results whose error is a [`LogsError`].
pub type LogsResult<T> = Result<T, LogsError>;
