//! `propagator`: `composite` (a list of components) and `composite_list` (the
//! `OTEL_PROPAGATORS` form).

use crate::reader::{At, Ctx, Result, join};

/// The schema's `Propagator`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Propagator {
    /// `composite`, in file order.
    pub composite: Vec<TextMapPropagator>,
    /// `composite_list`: comma-separated names, as `OTEL_PROPAGATORS` writes them.
    pub composite_list: Option<String>,
}

/// One text-map propagator.
#[derive(Debug, Clone, PartialEq)]
pub enum TextMapPropagator {
    /// `tracecontext`: W3C Trace Context.
    Tracecontext,
    /// `baggage`: W3C Baggage.
    Baggage,
    /// `b3`: B3 single header.
    B3,
    /// `b3multi`: B3 multiple headers.
    B3multi,
    /// `jaeger` (a custom component the kit implements).
    Jaeger,
    /// `ottrace`: OpenTracing's `ot-tracer-*` headers (a custom component the kit
    /// implements, as `OTEL_PROPAGATORS=ottrace` names it).
    Ottrace,
    /// `xray` (a custom component the kit implements behind otel-kit-init's `xray` feature).
    Xray,
    /// A propagator the kit does not implement (one warning names it).
    Unsupported {
        /// Its key.
        name: String,
    },
}

impl TextMapPropagator {
    /// The propagator's name, as `OTEL_PROPAGATORS` spells it.
    pub fn name(&self) -> &str {
        match self {
            Self::Tracecontext => "tracecontext",
            Self::Baggage => "baggage",
            Self::B3 => "b3",
            Self::B3multi => "b3multi",
            Self::Jaeger => "jaeger",
            Self::Ottrace => "ottrace",
            Self::Xray => "xray",
            Self::Unsupported { name } => name,
        }
    }

    fn from_name(name: &str) -> Self {
        match name {
            "tracecontext" => Self::Tracecontext,
            "baggage" => Self::Baggage,
            "b3" => Self::B3,
            "b3multi" => Self::B3multi,
            "jaeger" => Self::Jaeger,
            "ottrace" => Self::Ottrace,
            "xray" => Self::Xray,
            other => Self::Unsupported {
                name: other.to_owned(),
            },
        }
    }
}

impl Propagator {
    /// Every propagator `composite` and `composite_list` name, in that order, each once:
    /// the set an SDK builds (`none` in `composite_list` names nothing).
    ///
    /// ```
    /// let parsed = otel_kit_config::parse_str(
    ///     "file_format: \"1.1\"\npropagator:\n  composite: [tracecontext: , baggage: ]\n  composite_list: baggage,b3\n",
    ///     |_| None,
    /// )
    /// .unwrap();
    /// let names: Vec<String> = parsed.model.propagator.unwrap().propagators().iter().map(|p| p.name().to_owned()).collect();
    /// assert_eq!(names, ["tracecontext", "baggage", "b3"]);
    /// ```
    pub fn propagators(&self) -> Vec<TextMapPropagator> {
        let mut all: Vec<TextMapPropagator> = Vec::new();
        let listed = self
            .composite_list
            .iter()
            .flat_map(|list| list.split(','))
            .map(str::trim);
        let listed = listed
            .filter(|name| !name.is_empty() && *name != "none")
            .map(TextMapPropagator::from_name);
        for propagator in self.composite.iter().cloned().chain(listed) {
            if !all.contains(&propagator) {
                all.push(propagator);
            }
        }
        all
    }

    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let fields = at.fields(&["composite", "composite_list"], ctx)?;
        let mut composite = Vec::new();
        if let Some(list) = fields.get("composite") {
            for (path, node) in list.at().items()? {
                let (key, _) = At { node, path: &path }.component()?;
                let propagator = TextMapPropagator::from_name(&key.name);
                if let TextMapPropagator::Unsupported { name } = &propagator {
                    ctx.unsupported(name, &join(&path, name), key.line);
                }
                composite.push(propagator);
            }
        }
        let composite_list = fields.string("composite_list")?;
        if let (Some(list), Some(field)) = (&composite_list, fields.get("composite_list")) {
            for name in list
                .split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty() && *name != "none")
            {
                if let TextMapPropagator::Unsupported { name } = TextMapPropagator::from_name(name) {
                    ctx.unsupported(&name, &field.path, field.node.line);
                }
            }
        }
        Ok(Self {
            composite,
            composite_list,
        })
    }
}
