//! The OpenTelemetry configuration file (`OTEL_CONFIG_FILE`, [`Builder::config_file`],
//! [`Builder::config_yaml`]): otel-kit-config parses it into its typed model, and this
//! module maps the model onto what `init()` builds. The file takes the place of the
//! environment: the [`Config`] it gives is the one the `OTEL_*` variables would give,
//! and the rest of `init()` is unchanged. What the environment cannot say (views, more
//! than one processor, typed resource attributes) comes as [`FileExtras`].
//!
//! [`Builder::config_file`]: crate::Builder::config_file
//! [`Builder::config_yaml`]: crate::Builder::config_yaml

#[cfg(feature = "config-file")]
mod apply;
#[cfg(feature = "config-file")]
mod extras;
#[cfg(feature = "config-file")]
mod sampler;
#[cfg(all(feature = "config-file", feature = "metrics"))]
mod views;

use std::path::PathBuf;

use crate::config::environment::Config;
pub(crate) use crate::config::source::ConfigSource;
use crate::env::ConfigWarning;
#[cfg(feature = "config-file")]
pub(crate) use extras::FileExtras;

/// The variable that names the configuration file.
pub(crate) const VARIABLE: &str = "OTEL_CONFIG_FILE";

/// A configuration file asked for in code.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "config-file"), allow(dead_code))]
pub(crate) enum FileRequest {
    Path(PathBuf),
    Yaml(String),
}

/// What a configuration file put in place of the environment.
pub(crate) struct Loaded {
    pub(crate) source: ConfigSource,
    pub(crate) config: Config,
    pub(crate) warnings: Vec<ConfigWarning>,
    /// The variables the file read through `${VAR}`.
    pub(crate) substituted: Vec<String>,
    #[cfg(feature = "config-file")]
    pub(crate) extras: FileExtras,
}

/// The file code asked for, else the one `OTEL_CONFIG_FILE` names; `None` when there is
/// none, or when this build cannot read one (then `warnings` says so, naming the
/// variable and the feature).
pub(crate) fn load(
    request: Option<FileRequest>,
    lookup: &(dyn Fn(&str) -> Option<String> + Send + Sync),
    warnings: &mut Vec<ConfigWarning>,
) -> Result<Option<Loaded>, crate::InitError> {
    let variable = lookup(VARIABLE).filter(|v| !v.trim().is_empty());
    match (request, variable) {
        (Some(request), _) => read(request, true, lookup, warnings),
        (None, Some(path)) => read(FileRequest::Path(PathBuf::from(path)), false, lookup, warnings),
        (None, None) => Ok(None),
    }
}

#[cfg(feature = "config-file")]
fn read(
    request: FileRequest,
    from_code: bool,
    lookup: &(dyn Fn(&str) -> Option<String> + Send + Sync),
    warnings: &mut Vec<ConfigWarning>,
) -> Result<Option<Loaded>, crate::InitError> {
    // The variables the file reads through substitution: not "ignored".
    let substituted = std::cell::RefCell::new(Vec::new());
    let lookup = |name: &str| {
        substituted.borrow_mut().push(name.to_owned());
        lookup(name)
    };
    let (source, parsed) = match request {
        FileRequest::Path(path) => match otel_kit_config::read_file(&path, lookup) {
            Ok(parsed) => (ConfigSource::File(path), parsed),
            // `OTEL_CONFIG_FILE` naming no readable file is a bad environment value:
            // one warning, and the environment applies. What the file says is code: an
            // invalid one fails `init()`, as does a missing one named in code.
            Err(error) if !from_code && error.kind() == otel_kit_config::ConfigFileErrorKind::Io => {
                let why = format!(
                    "names no readable file ({}); the OTEL_* environment variables are used instead",
                    error.found()
                );
                warnings.push(ConfigWarning::new(VARIABLE, path.display().to_string(), why));
                return Ok(None);
            }
            Err(error) => return Err(error.into()),
        },
        FileRequest::Yaml(text) => (ConfigSource::Yaml, otel_kit_config::parse_str(&text, lookup)?),
    };
    let (variable, value) = match &source {
        ConfigSource::File(path) => (VARIABLE, path.display().to_string()),
        _ => ("config_yaml", "<yaml>".to_owned()),
    };
    let mut loaded = apply::to_config(source.clone(), &parsed.model, (variable, &value), lookup);
    loaded.substituted = substituted.take();
    let file_warnings = parsed
        .warnings
        .iter()
        .map(|w| ConfigWarning::new(variable, value.clone(), w.to_string()));
    loaded.warnings.splice(0..0, file_warnings);
    warnings.append(&mut loaded.warnings);
    Ok(Some(loaded))
}

/// Without the `config-file` feature: the environment is used, and one warning says
/// why; a file asked for in code is an error.
#[cfg(not(feature = "config-file"))]
fn read(
    request: FileRequest,
    from_code: bool,
    _lookup: &(dyn Fn(&str) -> Option<String> + Send + Sync),
    warnings: &mut Vec<ConfigWarning>,
) -> Result<Option<Loaded>, crate::InitError> {
    const WHY: &str = "needs otel-kit-init's `config-file` cargo feature";
    match request {
        FileRequest::Path(path) if !from_code => {
            warnings.push(ConfigWarning::new(
                VARIABLE,
                path.display().to_string(),
                format!("{WHY}, which this build lacks; the OTEL_* environment variables are used instead"),
            ));
            Ok(None)
        }
        FileRequest::Path(_) => Err(crate::InitError::InvalidValue {
            what: "config_file",
            why: format!("{WHY}: turn it on in Cargo.toml"),
        }),
        FileRequest::Yaml(_) => Err(crate::InitError::InvalidValue {
            what: "config_yaml",
            why: format!("{WHY}: turn it on in Cargo.toml"),
        }),
    }
}

/// With a configuration file, the `OTEL_*` variables set (but `OTEL_CONFIG_FILE` and
/// those the file reads through `${VAR}`) are ignored: one warning names them, so an
/// operator who set one knows it did nothing.
pub(crate) fn ignored_variables<'a>(
    loaded: &Loaded,
    names: impl IntoIterator<Item = &'a str>,
) -> Option<ConfigWarning> {
    let source = &loaded.source;
    let mut ignored: Vec<&str> = names
        .into_iter()
        .filter(|n| n.starts_with("OTEL_") && *n != VARIABLE && !loaded.substituted.iter().any(|s| s == n))
        .collect();
    if ignored.is_empty() {
        return None;
    }
    ignored.sort_unstable();
    Some(ConfigWarning::new(
        ignored.join(","),
        "<set>",
        format!(
            "ignored: the configuration ({source}) takes the place of the environment; use ${{VAR}} substitution in the file to read a variable"
        ),
    ))
}
