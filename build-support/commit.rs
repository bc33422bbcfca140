// Included by the build scripts of the binary and of the page, so that both name the same commit:
// sets FUTURELAB_COMMIT to the commit's short hash (or "unknown" outside a git checkout), and asks
// cargo to run the build script again when HEAD moves.
{
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .map(|text| text.trim().to_string())
            .filter(|text| !text.is_empty())
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=FUTURELAB_COMMIT={commit}");
    // HEAD names a branch; the branch's file moves with each commit (or, once refs are packed,
    // packed-refs does). Only files that exist are named: cargo re-runs a build script on every build
    // while a file it watches is missing.
    if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        // refs/heads is a folder: cargo looks at every file in it, so a branch's loose file that
        // appears after a gc packed it is seen too.
        let watched = [
            format!("{git_dir}/HEAD"),
            format!("{git_dir}/packed-refs"),
            format!("{git_dir}/refs/heads"),
        ];
        for path in watched.iter().filter(|p| std::path::Path::new(p).exists()) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
