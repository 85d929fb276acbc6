//! What the conventions say of a span beyond its attributes: the groups it belongs to
//! (read from the attributes that identify each domain), the kinds its spans have, and
//! the format of its name.

use opentelemetry::trace::SpanKind;

use super::registry::Registry;
use crate::{AttributeValue, SpanRecord};

/// The domain a span belongs to, by the attributes that identify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Domain {
    GenAi,
    Rpc,
    Messaging,
    Db,
    Http,
}

/// A span's domain and the registry's span groups whose requirements apply to it (for
/// messaging, its system's refinement of its operation's span, else that span; empty when
/// the kind rules out every group of the domain).
pub(super) struct Groups {
    pub(super) domain: Domain,
    pub(super) names: Vec<&'static str>,
}

fn text<'a>(span: &'a SpanRecord, key: &str) -> Option<&'a str> {
    match span.attribute(key) {
        Some(AttributeValue::String(s)) => Some(s.as_str()),
        _ => None,
    }
}

/// The groups of `span`; `None` for spans of no known domain (an application's own).
pub(super) fn groups(registry: &'static Registry, span: &SpanRecord) -> Option<Groups> {
    let known = |name: &str| registry.spans.get_key_value(name).map(|(name, _)| *name);
    let kind = &span.kind;
    let (domain, names) = if let Some(operation) = text(span, "gen_ai.operation.name") {
        let group = match operation {
            "chat" | "text_completion" | "generate_content"
                if text(span, "gen_ai.provider.name") == Some("openai") =>
            {
                "span.openai.inference.client".into()
            }
            "chat" | "text_completion" | "generate_content" => "span.gen_ai.inference.client".into(),
            "invoke_agent" if *kind == SpanKind::Client => "span.gen_ai.invoke_agent.client".into(),
            "invoke_agent" => "span.gen_ai.invoke_agent.internal".into(),
            "execute_tool" | "invoke_workflow" => format!("span.gen_ai.{operation}.internal"),
            other => format!("span.gen_ai.{other}.client"),
        };
        (Domain::GenAi, known(&group).into_iter().collect())
    } else if let Some(system) = text(span, "rpc.system.name") {
        let side = if *kind == SpanKind::Server {
            "server"
        } else {
            "client"
        };
        let group = format!("span.rpc.{system}.call.{side}");
        (Domain::Rpc, known(&group).into_iter().collect())
    } else if let Some(system) = text(span, "messaging.system.name") {
        // A span per operation type and kind (`span.messaging.send.producer`), refined per
        // system (`span.messaging.kafka.send.producer`, `span.messaging.aws.sqs...`; a
        // system spelled as before 1.45, `aws_sqs`, found as `aws.sqs`); the refinement
        // holds the base span's attributes too.
        let operation = messaging_operation(text(span, "messaging.operation.type"), kind);
        let specific = operation.and_then(|operation| {
            [system.to_owned(), system.replace('_', ".")]
                .iter()
                .find_map(|s| known(&format!("span.messaging.{s}.{operation}")))
        });
        let base = operation.and_then(|operation| known(&format!("span.messaging.{operation}")));
        (Domain::Messaging, specific.or(base).into_iter().collect())
    } else if let Some(system) = text(span, "db.system.name") {
        let group = known(&format!("span.db.{system}.client")).or_else(|| known("span.db.client"));
        (Domain::Db, group.into_iter().collect())
    } else if span.attribute("http.request.method").is_some() {
        let group = match kind {
            SpanKind::Server => known("span.http.server"),
            SpanKind::Client => known("span.http.client"),
            _ => None,
        };
        (Domain::Http, group.into_iter().collect())
    } else {
        return None;
    };
    Some(Groups { domain, names })
}

/// The messaging span a span of `kind` with this `messaging.operation.type` is
/// (`send.producer`); by its kind alone when the type is missing or unknown.
fn messaging_operation(operation: Option<&str>, kind: &SpanKind) -> Option<&'static str> {
    Some(match (operation, kind) {
        (Some("create"), _) => "create.producer",
        (Some("send"), SpanKind::Client) => "send.client",
        (Some("receive"), _) => "receive.client",
        (Some("settle"), _) => "settle.client",
        (Some("process"), _) | (_, SpanKind::Consumer) => "process.consumer",
        (_, SpanKind::Producer) | (Some("send"), _) => "send.producer",
        _ => return None,
    })
}

/// The kinds a span of `groups` may have, and the rule that says so; `None` when the
/// conventions leave it open.
pub(super) fn kinds(
    registry: &Registry,
    groups: &Groups,
    span: &SpanRecord,
) -> Option<(&'static [SpanKind], &'static str)> {
    const CLIENT: &[SpanKind] = &[SpanKind::Client];
    const SERVER: &[SpanKind] = &[SpanKind::Server];
    const SERVER_OR_CLIENT: &[SpanKind] = &[SpanKind::Server, SpanKind::Client];
    Some(match groups.domain {
        Domain::Http => (SERVER_OR_CLIENT, "HTTP spans are SERVER or CLIENT"),
        Domain::Rpc => (SERVER_OR_CLIENT, "RPC spans are SERVER or CLIENT"),
        Domain::Messaging => match text(span, "messaging.operation.type")? {
            "create" => (&[SpanKind::Producer], "a create span is PRODUCER"),
            "send" => (
                &[SpanKind::Producer, SpanKind::Client],
                "a send span is PRODUCER, or CLIENT when it is no creation context",
            ),
            "receive" => (CLIENT, "a receive span is CLIENT"),
            "process" => (&[SpanKind::Consumer], "a process span is CONSUMER"),
            "settle" => (CLIENT, "a settle span is CLIENT"),
            _ => return None,
        },
        Domain::GenAi | Domain::Db => {
            let name = *groups.names.first()?;
            match (name, registry.spans[name].kind) {
                ("span.gen_ai.inference.client" | "span.openai.inference.client", _) => (
                    &[SpanKind::Client, SpanKind::Internal],
                    "an inference span is CLIENT, or INTERNAL",
                ),
                (_, "client") => (CLIENT, "its group's spans are CLIENT"),
                (_, "server") => (SERVER, "its group's spans are SERVER"),
                (_, "internal") => (&[SpanKind::Internal], "its group's spans are INTERNAL"),
                _ => return None,
            }
        }
    })
}

/// The names the conventions give `span` (any one of them conforms), and the rule; `None`
/// when they give no rule for it.
pub(super) fn names(groups: &Groups, span: &SpanRecord) -> Option<(Vec<String>, &'static str)> {
    let with_target = |first: &str, targets: &[Option<String>]| -> Vec<String> {
        targets
            .iter()
            .flatten()
            .map(|target| format!("{first} {target}"))
            .collect()
    };
    let owned = |key: &str| text(span, key).map(str::to_owned);
    let address = || {
        let address = text(span, "server.address")?;
        Some(match span.attribute("server.port") {
            Some(AttributeValue::Int(port)) => format!("{address}:{port}"),
            _ => address.to_owned(),
        })
    };
    match groups.domain {
        Domain::Http => {
            let method = text(span, "http.request.method")?;
            let method = if method == "_OTHER" { "HTTP" } else { method };
            let target = match span.kind {
                SpanKind::Server => owned("http.route"),
                _ => owned("url.template"),
            };
            let names = match target {
                Some(target) => vec![format!("{method} {target}")],
                None => vec![method.to_owned()],
            };
            Some((names, "{method} {target}, else {method}"))
        }
        Domain::Rpc => {
            let name = match text(span, "rpc.method") {
                Some(method) if method != "_OTHER" => method,
                _ => text(span, "rpc.system.name")?,
            };
            Some((vec![name.to_owned()], "{rpc.method}, else {rpc.system.name}"))
        }
        Domain::Db => {
            const RULE: &str = "{db.query.summary}, else {db.operation.name} {target}, \
                                else {target}, else {db.system.name}";
            if let Some(summary) = text(span, "db.query.summary") {
                return Some((vec![summary.to_owned()], RULE));
            }
            // Redis's namespace is a number, which the conventions keep out of its names.
            let namespace = match text(span, "db.system.name") {
                Some("redis") => None,
                _ => owned("db.namespace"),
            };
            let targets = [
                owned("db.collection.name"),
                owned("db.stored_procedure.name"),
                namespace,
                address(),
            ];
            let names = match text(span, "db.operation.name") {
                // The bare operation too: which target an operation is performed
                // against (a transaction's `BEGIN`) is the instrumentation's call.
                Some(operation) => {
                    let mut names = with_target(operation, &targets);
                    names.push(operation.to_owned());
                    names
                }
                // `{db.system.name}` only when there is no target.
                None => match targets.into_iter().flatten().collect::<Vec<String>>() {
                    targets if targets.is_empty() => owned("db.system.name").into_iter().collect(),
                    targets => targets,
                },
            };
            Some((names, RULE))
        }
        Domain::Messaging => {
            const RULE: &str = "{messaging.operation.name} {destination}, the destination's \
                                template when there is one";
            let operation = text(span, "messaging.operation.name")?;
            let temporary = |key: &str| span.attribute(key) == Some(&AttributeValue::Bool(true));
            let names = match owned("messaging.destination.template") {
                Some(template) => vec![format!("{operation} {template}")],
                None => {
                    let name = owned("messaging.destination.name").filter(|_| {
                        !temporary("messaging.destination.temporary")
                            && !temporary("messaging.destination.anonymous")
                    });
                    let mut names = with_target(operation, &[name, address()]);
                    names.push(operation.to_owned());
                    names
                }
            };
            Some((names, RULE))
        }
        Domain::GenAi => {
            let operation = text(span, "gen_ai.operation.name")?;
            let (key, rule) = match operation {
                "chat" | "text_completion" | "generate_content" | "embeddings" => (
                    "gen_ai.request.model",
                    "{gen_ai.operation.name} {gen_ai.request.model}",
                ),
                "retrieval" => ("gen_ai.data_source.id", "retrieval {gen_ai.data_source.id}"),
                "execute_tool" => ("gen_ai.tool.name", "execute_tool {gen_ai.tool.name}"),
                "create_agent" | "invoke_agent" => {
                    ("gen_ai.agent.name", "{gen_ai.operation.name} {gen_ai.agent.name}")
                }
                "invoke_workflow" => ("gen_ai.workflow.name", "invoke_workflow {gen_ai.workflow.name}"),
                _ => return None,
            };
            let names = match text(span, key) {
                Some(value) => vec![format!("{operation} {value}")],
                None => vec![operation.to_owned()],
            };
            Some((names, rule))
        }
    }
}
