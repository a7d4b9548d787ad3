pub(super) fn check(
    _w: &crate::index::Workspace,
    _p: &std::path::Path,
    _o: &mut Vec<crate::diagnostic::Diagnostic>,
) {
}
