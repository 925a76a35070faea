//! Video transcoding with ffmpeg: H.264/AAC MP4 with fast start, at most 720 lines, a poster
//! image and the duration. Where ffmpeg is missing, originals are served as they are.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;

use tokio::process::Command;

/// Whether `ffmpeg` and `ffprobe` can be run here (checked once).
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        ["ffmpeg", "ffprobe"].iter().all(|tool| {
            std::process::Command::new(tool)
                .arg("-version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
    })
}

#[derive(Debug, thiserror::Error)]
pub enum TranscodeError {
    #[error("ffmpeg n'est pas installé sur le serveur")]
    Missing,
    #[error("ffmpeg a échoué : {0}")]
    Failed(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transcoded {
    pub video: PathBuf,
    pub poster: PathBuf,
    pub duration_ms: Option<i64>,
}

async fn run(command: &mut Command) -> Result<Vec<u8>, TranscodeError> {
    let output = command
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        Err(TranscodeError::Failed(last.chars().take(300).collect()))
    }
}

/// The duration of a media file, in milliseconds.
pub async fn duration_ms(input: &Path) -> Result<Option<i64>, TranscodeError> {
    let out = run(Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "default=noprint_wrappers=1:nokey=1",
        ])
        .arg(input))
    .await?;
    Ok(String::from_utf8_lossy(&out)
        .trim()
        .parse::<f64>()
        .ok()
        .map(|s| (s * 1000.0).round() as i64))
}

/// Transcodes `input` into `workdir`: `video.mp4` and `poster.jpg`.
pub async fn transcode(input: &Path, workdir: &Path) -> Result<Transcoded, TranscodeError> {
    if !available() {
        return Err(TranscodeError::Missing);
    }
    let video = workdir.join("video.mp4");
    let poster = workdir.join("poster.jpg");
    let duration_ms = duration_ms(input).await?;
    run(Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(input)
        .args([
            "-map",
            "0:v:0",
            "-map",
            "0:a:0?",
            "-vf",
            "scale=-2:'min(720,ih)':flags=bicubic,format=yuv420p",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "23",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-ac",
            "2",
            "-movflags",
            "+faststart",
        ])
        .arg(&video))
    .await?;
    // The poster: a frame at a tenth of the video (at most at 3 s), else the first.
    let at = duration_ms.map_or(0.0, |d| (d as f64 / 10_000.0).min(3.0));
    run(Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-ss", &format!("{at:.2}"), "-i"])
        .arg(&video)
        .args(["-frames:v", "1", "-q:v", "4"])
        .arg(&poster))
    .await?;
    Ok(Transcoded {
        video,
        poster,
        duration_ms,
    })
}
