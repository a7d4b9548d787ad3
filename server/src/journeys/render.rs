//! Views of a relying party's effective journey: plain text, JSON (also the payload of the
//! `b2c-lsp/journeys` request), Mermaid and Graphviz DOT (the `journeys` command lives in `cli`).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use syntax::TextRange;

use crate::index::summary::Precondition;
use crate::index::{SymbolKind, Workspace};

use super::flow::{journey_flow, relying_party_bag, Bag, JourneyFlow, StepFlow};
use super::model::Context;

/// Output format of `b2c-lsp journeys`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Mermaid,
    Dot,
    Json,
}

/// A claim an exchange reads.
struct ClaimIn {
    claim: String,
    required: bool,
    default_value: Option<String>,
    available: bool,
}

struct ExchangeView {
    id: Option<String>,
    profile: String,
    found: bool,
    takes: Vec<ClaimIn>,
    adds: Vec<String>,
}

struct SubView {
    id: String,
    sub_type: Option<String>,
    steps: Vec<StepView>,
}

struct StepView {
    order: Option<u32>,
    step_type: String,
    file: PathBuf,
    /// What a reader is taken to: the step's Order attribute, else the whole element.
    focus: TextRange,
    conditions: Vec<String>,
    selections: Vec<String>,
    exchanges: Vec<ExchangeView>,
    subs: Vec<SubView>,
    /// Candidates that name no SubJourney.
    unresolved_subs: Vec<String>,
    before: Vec<String>,
    adds: Vec<String>,
}

/// One relying party and its journey.
struct View {
    policy_id: String,
    journey_id: String,
    rp_inputs: Vec<String>,
    steps: Vec<StepView>,
    /// (claim, produced or defaulted)
    rp_outputs: Vec<(String, bool)>,
}

/// A precondition in words, e.g. `skip if objectId exists`.
pub(crate) fn describe_precondition(p: &Precondition) -> String {
    let action = match p.action.as_deref() {
        Some(a) if a.eq_ignore_ascii_case("SkipThisOrchestrationStep") => "skip".to_owned(),
        Some(a) => a.to_owned(),
        None => "act".to_owned(),
    };
    let when = if p.execute_actions_if { "if" } else { "unless" };
    let value = |i: usize| p.values.get(i).map_or("?", |v| v.text.as_str());
    let test = match p.kind.as_str() {
        "ClaimsExist" => format!("{} exists", value(0)),
        "ClaimEquals" => format!("{} = {}", value(0), value(1)),
        other => {
            let values: Vec<&str> = p.values.iter().map(|v| v.text.as_str()).collect();
            format!("{other} {}", values.join(" "))
        }
    };
    format!("{action} {when} {test}")
}

fn step_views(ctx: &Context, flow: &JourneyFlow) -> Vec<StepView> {
    flow.steps
        .iter()
        .filter_map(|s| step_view(ctx, flow, s))
        .collect()
}

fn step_view(ctx: &Context, flow: &JourneyFlow, step_flow: &StepFlow) -> Option<StepView> {
    let step = flow.journey.steps.get(step_flow.index)?;
    let before = flow.before(step_flow);
    let exchanges = step_flow
        .exchanges
        .iter()
        .map(|x| {
            let profile = &x.profile;
            let mut keys = Vec::new();
            let mut adds: Vec<String> = Vec::new();
            for a in &profile.adds {
                if !keys.contains(&a.claim.key) {
                    keys.push(a.claim.key);
                    adds.push(ctx.text(a.claim.text).to_string());
                }
            }
            ExchangeView {
                id: x.exchange(step).map(str::to_owned),
                profile: profile.id.to_string(),
                found: profile.found,
                takes: profile
                    .takes
                    .iter()
                    .map(|t| ClaimIn {
                        claim: t.claim.to_string(),
                        required: t.required,
                        default_value: t.default_value.as_deref().map(str::to_owned),
                        available: before.contains_key(t.key)
                            || t.default_value.is_some()
                            || profile.adds_claim(t.key),
                    })
                    .collect(),
                adds,
            }
        })
        .collect();
    let mut subs = Vec::new();
    for sub in &step_flow.sub_flows {
        subs.push(SubView {
            id: sub.journey.id.clone(),
            sub_type: sub.journey.sub_journey_type.clone(),
            steps: step_views(ctx, sub),
        });
    }
    let unresolved_subs = step
        .invoked_sub_journeys()
        .iter()
        .filter(|c| ctx.journey(SymbolKind::SubJourney, &c.text).is_none())
        .map(|c| c.text.clone())
        .collect();
    Some(StepView {
        order: step.order(),
        step_type: step.step_type().to_owned(),
        file: step.path.clone(),
        focus: if step.step.order_range.is_empty() {
            step.step.full_range
        } else {
            step.step.order_range
        },
        conditions: step
            .step
            .preconditions
            .iter()
            .map(describe_precondition)
            .collect(),
        selections: step
            .step
            .selections
            .iter()
            .map(|s| s.text.clone())
            .collect(),
        exchanges,
        subs,
        unresolved_subs,
        before: before
            .names(ctx)
            .iter()
            .map(|name| name.to_string())
            .collect(),
        adds: step_flow
            .adds
            .view()
            .names(ctx)
            .iter()
            .map(|name| name.to_string())
            .collect(),
    })
}

/// The view of the relying party of `path`, if it has one and its journey resolves; with a
/// `journey` id, that UserJourney as the chain of `path` defines it (started with the relying
/// party's claims when the file's relying party runs it, else with an empty bag).
fn view(workspace: &Workspace, path: &Path, journey: Option<&str>) -> Option<View> {
    let ctx = Context::new(workspace, path);
    let rp = ctx.relying_party();
    let default_journey = rp
        .as_ref()
        .and_then(|rp| rp.default_journey.as_ref())
        .map(|j| j.text.clone());
    let (journey_id, runs_it) = match (journey, default_journey) {
        (Some(asked), Some(default)) => {
            let runs_it = asked == default;
            (asked.to_owned(), runs_it)
        }
        (Some(asked), None) => (asked.to_owned(), false),
        (None, Some(default)) => (default, true),
        (None, None) => return None,
    };
    let file = workspace.file(path)?;
    let policy_id = file
        .summary
        .policy_id
        .as_ref()
        .map_or_else(String::new, |p| p.text.clone());
    let rp = rp.filter(|_| runs_it);
    let rp_inputs: Vec<String> = rp
        .iter()
        .flat_map(|rp| rp.input_claims().map(str::to_owned))
        .collect();
    let Some(effective) = ctx.journey(SymbolKind::UserJourney, &journey_id) else {
        // A journey asked for by id that the chain does not define has no view; the relying
        // party's own undefined journey is shown as such.
        if journey.is_some() {
            return None;
        }
        return Some(View {
            policy_id,
            journey_id,
            rp_inputs,
            steps: Vec::new(),
            rp_outputs: Vec::new(),
        });
    };
    let bag = rp
        .as_ref()
        .map_or_else(Bag::default, |rp| relying_party_bag(&ctx, rp));
    let flow = journey_flow(&ctx, effective, bag);
    let rp_outputs = rp
        .iter()
        .flat_map(|rp| rp.profile().into_iter())
        .flat_map(|p| p.output_claims.iter())
        .map(|c| {
            (
                c.claim.clone(),
                c.default_value.is_some() || flow.end().contains(&ctx, &c.claim),
            )
        })
        .collect();
    Some(View {
        policy_id,
        journey_id: flow.journey.id.clone(),
        rp_inputs,
        steps: step_views(&ctx, &flow),
        rp_outputs,
    })
}

fn step_json(step: &StepView) -> Value {
    json!({
        "order": step.order,
        "type": step.step_type,
        "file": step.file.display().to_string(),
        "preconditions": step.conditions,
        "selections": step.selections,
        "exchanges": step.exchanges.iter().map(|x| json!({
            "id": x.id,
            "technicalProfile": x.profile,
            "resolved": x.found,
            "inputClaims": x.takes.iter().map(|t| json!({
                "claim": t.claim,
                "required": t.required,
                "defaultValue": t.default_value,
                "available": t.available,
            })).collect::<Vec<_>>(),
            "outputClaims": x.adds,
        })).collect::<Vec<_>>(),
        "subJourneys": step.subs.iter().map(|s| json!({
            "id": s.id,
            "type": s.sub_type,
            "steps": s.steps.iter().map(step_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "unresolvedSubJourneys": step.unresolved_subs,
        "claimsBefore": step.before,
        "claimsAdded": step.adds,
    })
}

/// The relying party of the file at `path` and its effective journey as JSON; for a file
/// without a relying party, `{"file": ..., "relyingParty": null}`.
pub fn journeys_json(workspace: &Workspace, path: &Path) -> Value {
    let file = path.display().to_string();
    let Some(view) = view(workspace, path, None) else {
        return json!({"file": file, "relyingParty": null});
    };
    json!({
        "file": file,
        "relyingParty": {
            "policyId": view.policy_id,
            "defaultUserJourney": view.journey_id,
            "inputClaims": view.rp_inputs,
            "outputClaims": view.rp_outputs.iter().map(|(c, produced)| json!({
                "claim": c,
                "produced": produced,
            })).collect::<Vec<_>>(),
        },
        "journey": {
            "id": view.journey_id,
            "steps": view.steps.iter().map(step_json).collect::<Vec<_>>(),
        },
    })
}

fn order_label(order: Option<u32>) -> String {
    order.map_or_else(|| "?".to_owned(), |o| o.to_string())
}

fn text_steps(steps: &[StepView], indent: &str, out: &mut String) {
    use std::fmt::Write as _;
    for step in steps {
        let _ = write!(
            out,
            "{indent}{} {}",
            order_label(step.order),
            step.step_type
        );
        if !step.conditions.is_empty() {
            let _ = write!(out, " [{}]", step.conditions.join("; "));
        }
        out.push('\n');
        if !step.selections.is_empty() {
            let _ = writeln!(out, "{indent}    selects: {}", step.selections.join(", "));
        }
        for x in &step.exchanges {
            let name = match &x.id {
                Some(id) => format!("{id} -> {}", x.profile),
                None => format!("issuer {}", x.profile),
            };
            let unresolved = if x.found { "" } else { " (not defined)" };
            let _ = writeln!(out, "{indent}    {name}{unresolved}");
            if !x.takes.is_empty() {
                let takes: Vec<String> = x
                    .takes
                    .iter()
                    .map(|t| {
                        let mut s = t.claim.clone();
                        if t.required {
                            s.push('!');
                        }
                        if !t.available {
                            s.push_str(" (not in the bag)");
                        }
                        s
                    })
                    .collect();
                let _ = writeln!(out, "{indent}      in:  {}", takes.join(", "));
            }
            if !x.adds.is_empty() {
                let _ = writeln!(out, "{indent}      out: {}", x.adds.join(", "));
            }
        }
        for sub in &step.subs {
            let _ = writeln!(
                out,
                "{indent}    SubJourney {} ({})",
                sub.id,
                sub.sub_type.as_deref().unwrap_or("no Type")
            );
            text_steps(&sub.steps, &format!("{indent}      "), out);
        }
        for sub in &step.unresolved_subs {
            let _ = writeln!(out, "{indent}    SubJourney {sub} (not defined)");
        }
    }
}

fn text(view: &View, display: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{display}: relying party of {} runs UserJourney {}",
        if view.policy_id.is_empty() {
            "?"
        } else {
            &view.policy_id
        },
        view.journey_id
    );
    if !view.rp_inputs.is_empty() {
        let _ = writeln!(
            out,
            "  from the relying party: {}",
            view.rp_inputs.join(", ")
        );
    }
    if view.steps.is_empty() {
        let _ = writeln!(out, "  (the journey is not defined in this policy's chain)");
    }
    text_steps(&view.steps, "  ", &mut out);
    if !view.rp_outputs.is_empty() {
        let sends: Vec<String> = view
            .rp_outputs
            .iter()
            .map(|(c, produced)| {
                if *produced {
                    c.clone()
                } else {
                    format!("{c} (never produced)")
                }
            })
            .collect();
        let _ = writeln!(out, "  sends: {}", sends.join(", "));
    }
    out
}

/// A graph under construction, written as Mermaid or DOT.
struct Graph {
    mermaid: bool,
    lines: Vec<String>,
    depth: usize,
    /// The node of each orchestration step and where the step is written.
    steps: Vec<DiagramStep>,
}

/// The Mermaid drawing of one journey, with where each of its steps is written (for a view
/// that opens a step's definition when its node is clicked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JourneyDiagram {
    pub journey_id: String,
    pub mermaid: String,
    pub steps: Vec<DiagramStep>,
}

/// A step's node id in the drawing and the range of its OrchestrationStep (its Order
/// attribute when it has one) in `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramStep {
    pub node: String,
    pub path: PathBuf,
    pub range: TextRange,
}

impl Graph {
    fn escape(&self, text: &str) -> String {
        if self.mermaid {
            text.replace('"', "#quot;")
                .replace('<', "#lt;")
                .replace('>', "#gt;")
        } else {
            text.replace('\\', "\\\\").replace('"', "\\\"")
        }
    }

    fn line(&mut self, text: String) {
        self.lines
            .push(format!("{}{text}", "  ".repeat(self.depth)));
    }

    /// A node; `lines` are joined with a line break.
    fn node(&mut self, id: &str, lines: &[String], shape: Shape) {
        let label: Vec<String> = lines.iter().map(|l| self.escape(l)).collect();
        if self.mermaid {
            let label = label.join("<br/>");
            let (open, close) = match shape {
                Shape::Step => ("[\"", "\"]"),
                Shape::Exchange => ("([\"", "\"])"),
                Shape::Claims => ("[/\"", "\"/]"),
            };
            self.line(format!("{id}{open}{label}{close}"));
        } else {
            let label = label.join("\\n");
            let shape = match shape {
                Shape::Step => "box",
                Shape::Exchange => "ellipse",
                Shape::Claims => "note",
            };
            self.line(format!("{id} [label=\"{label}\", shape={shape}];"));
        }
    }

    fn edge(&mut self, from: &str, to: &str, label: Option<&str>, style: Edge) {
        let label = label.map(|l| self.escape(l));
        if self.mermaid {
            let arrow = match style {
                Edge::Flow => "-->",
                Edge::Skip => "-.->",
                Edge::Runs => "---",
            };
            match label {
                Some(l) => self.line(format!("{from} {arrow}|\"{l}\"| {to}")),
                None => self.line(format!("{from} {arrow} {to}")),
            }
        } else {
            let mut attributes = Vec::new();
            if let Some(l) = label {
                attributes.push(format!("label=\"{l}\""));
            }
            match style {
                Edge::Flow => {}
                Edge::Skip => attributes.push("style=dashed".to_owned()),
                Edge::Runs => attributes.push("arrowhead=none".to_owned()),
            }
            if attributes.is_empty() {
                self.line(format!("{from} -> {to};"));
            } else {
                self.line(format!("{from} -> {to} [{}];", attributes.join(", ")));
            }
        }
    }

    fn open_group(&mut self, id: &str, label: &str) {
        let label = self.escape(label);
        if self.mermaid {
            self.line(format!("subgraph {id}[\"{label}\"]"));
        } else {
            self.line(format!("subgraph cluster_{id} {{"));
            self.depth += 1;
            self.line(format!("label=\"{label}\";"));
            self.depth -= 1;
        }
        self.depth += 1;
    }

    fn close_group(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.line(if self.mermaid { "end" } else { "}" }.to_owned());
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Step,
    Exchange,
    Claims,
}

#[derive(Clone, Copy)]
enum Edge {
    Flow,
    Skip,
    Runs,
}

/// Draws steps and the edges between them, the first step's preconditions on the edge from
/// `entry` (the start node, or the step that invokes the sub-journey). Returns the id of the
/// last step.
fn draw_steps(
    graph: &mut Graph,
    steps: &[StepView],
    prefix: &str,
    entry: (&str, &str),
) -> Option<String> {
    let ids: Vec<String> = (0..steps.len()).map(|i| format!("{prefix}s{i}")).collect();
    // Edges go after the nodes, so that each node is first named inside its own box.
    let mut edges: Vec<(String, String, Option<String>, Edge)> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let id = &ids[i];
        graph.node(
            id,
            &[format!("{} {}", order_label(step.order), step.step_type)],
            Shape::Step,
        );
        graph.steps.push(DiagramStep {
            node: id.clone(),
            path: step.file.clone(),
            range: step.focus,
        });
        for (n, x) in step.exchanges.iter().enumerate() {
            let node = format!("{id}x{n}");
            let title = match &x.id {
                Some(exchange) => exchange.clone(),
                None => "issuer".to_owned(),
            };
            graph.node(&node, &[title, x.profile.clone()], Shape::Exchange);
            edges.push((id.clone(), node, None, Edge::Runs));
        }
        for (n, sub) in step.subs.iter().enumerate() {
            let group = format!("{id}j{n}");
            graph.open_group(
                &group,
                &format!(
                    "SubJourney {} ({})",
                    sub.id,
                    sub.sub_type.as_deref().unwrap_or("no Type")
                ),
            );
            let last = draw_steps(graph, &sub.steps, &format!("{group}_"), (id, "invokes"));
            graph.close_group();
            let is_call = !sub
                .sub_type
                .as_deref()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("Transfer"));
            if let (Some(last), Some(next), true) = (last, ids.get(i + 1), is_call) {
                edges.push((last, next.clone(), Some("returns".to_owned()), Edge::Flow));
            }
        }
    }
    for (i, step) in steps.iter().enumerate() {
        let (from, word) = match i {
            0 => (entry.0.to_owned(), entry.1),
            _ => (ids[i - 1].clone(), ""),
        };
        let mut label: Vec<String> = Vec::new();
        if !word.is_empty() {
            label.push(word.to_owned());
        }
        label.extend(step.conditions.iter().cloned());
        let label = (!label.is_empty()).then(|| label.join("; "));
        edges.push((from.clone(), ids[i].clone(), label, Edge::Flow));
        if !step.conditions.is_empty() {
            if let Some(next) = ids.get(i + 1) {
                edges.push((from, next.clone(), Some("skipped".to_owned()), Edge::Skip));
            }
        }
    }
    for (from, to, label, style) in edges {
        graph.edge(&from, &to, label.as_deref(), style);
    }
    ids.last().cloned()
}

fn graph(view: &View, display: &str, mermaid: bool, index: usize) -> Graph {
    let mut graph = Graph {
        mermaid,
        lines: Vec::new(),
        depth: 0,
        steps: Vec::new(),
    };
    let prefix = format!("p{index}");
    let title = format!(
        "UserJourney {} ({})",
        view.journey_id,
        if view.policy_id.is_empty() {
            display
        } else {
            &view.policy_id
        }
    );
    let start = format!("{prefix}start");
    let mut start_label = vec!["start".to_owned()];
    if !view.rp_inputs.is_empty() {
        start_label.push(format!(
            "from the relying party: {}",
            view.rp_inputs.join(", ")
        ));
    }
    graph.node(&start, &start_label, Shape::Claims);
    graph.open_group(&format!("{prefix}uj"), &title);
    draw_steps(&mut graph, &view.steps, &prefix, (&start, ""));
    graph.close_group();
    if !view.rp_outputs.is_empty() {
        let claims: Vec<String> = view
            .rp_outputs
            .iter()
            .map(|(c, produced)| {
                if *produced {
                    c.clone()
                } else {
                    format!("{c} (never produced)")
                }
            })
            .collect();
        let node = format!("{prefix}rp");
        graph.node(&node, &claims, Shape::Claims);
        let send = view
            .steps
            .iter()
            .rposition(|s| s.step_type.eq_ignore_ascii_case("SendClaims"))
            .or_else(|| view.steps.len().checked_sub(1));
        if let Some(i) = send {
            graph.edge(&format!("{prefix}s{i}"), &node, Some("sends"), Edge::Flow);
        }
    }
    graph
}

fn mermaid(view: &View, display: &str) -> (String, Vec<DiagramStep>) {
    let graph = graph(view, display, true, 0);
    let text = format!(
        "flowchart TD\n%% {}\n{}\n",
        display.replace('\n', " "),
        graph.lines.join("\n")
    );
    (text, graph.steps)
}

/// The Mermaid drawing of `journey` as the chain of `path` defines it, or of the journey the
/// relying party of `path` runs when `journey` is None; `display` names the file.
pub fn diagram(
    workspace: &Workspace,
    path: &Path,
    display: &str,
    journey: Option<&str>,
) -> Option<JourneyDiagram> {
    let view = view(workspace, path, journey)?;
    let (mermaid, steps) = mermaid(&view, display);
    Some(JourneyDiagram {
        journey_id: view.journey_id,
        mermaid,
        steps,
    })
}

/// Renders the relying party of `path` (if any) in `format`; `display` names the file.
pub fn render(workspace: &Workspace, path: &Path, display: &str, format: Format) -> Option<String> {
    let view = view(workspace, path, None)?;
    Some(match format {
        Format::Text => text(&view, display),
        Format::Json => {
            serde_json::to_string_pretty(&journeys_json(workspace, path)).unwrap_or_default()
        }
        Format::Mermaid => mermaid(&view, display).0,
        Format::Dot => format!(
            "// {}\ndigraph journey {{\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n{}\n}}\n",
            display.replace('\n', " "),
            indent(&graph(&view, display, false, 0).lines.join("\n"))
        ),
    })
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
