//! Avatars: uploads checked, decoded, cropped to a square and re-encoded here, so what we
//! serve is always a small PNG we made ourselves, never the uploaded bytes.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::avatars;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::policy::{self, Actor, Permission};
use crate::store::targets;
use crate::store::user_rows::User;
use image::{ImageFormat, ImageReader, Limits};
use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, Set};
use std::io::Cursor;
use time::OffsetDateTime;

/// Largest upload accepted.
pub const MAX_UPLOAD: usize = 1024 * 1024;
/// Width and height of the stored picture.
pub const SIZE: u32 = 256;
/// Refuse pictures whose pixels would take more memory than this to decode.
const MAX_DECODED_BYTES: u64 = 64 * 1024 * 1024;

/// A stored avatar.
#[derive(Clone, Debug)]
pub struct Avatar {
    pub content_type: String,
    pub data: Vec<u8>,
    pub updated_at: OffsetDateTime,
}

/// Decodes a PNG, JPEG or WebP upload and re-encodes it as a `SIZE`×`SIZE` PNG.
pub fn reencode(upload: &[u8]) -> Result<Vec<u8>> {
    let bad = |message: &str| Error::invalid("avatar", message);
    if upload.is_empty() {
        return Err(bad("Choose a picture to upload."));
    }
    if upload.len() > MAX_UPLOAD {
        return Err(bad("Pictures are at most 1 MiB."));
    }
    let format =
        image::guess_format(upload).map_err(|_| bad("Upload a PNG, JPEG or WebP picture."))?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP
    ) {
        return Err(bad("Upload a PNG, JPEG or WebP picture."));
    }
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(8192);
    limits.max_image_height = Some(8192);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let picture = reader
        .decode()
        .map_err(|_| bad("This picture could not be read. Try another file."))?;
    let square = picture.resize_to_fill(SIZE, SIZE, image::imageops::FilterType::Triangle);
    let mut out = Vec::new();
    square
        .to_rgba8()
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|e| Error::Internal(format!("avatar encode: {e}")))?;
    Ok(out)
}

/// Checks that `actor` may change `user`'s avatar: their own, or as a user editor.
async fn may_change(dir: &Directory, actor: &Actor, user: &User) -> Result<()> {
    if actor.user_id() == Some(user.id) {
        return Ok(());
    }
    policy::require(actor, Permission::UsersUpdate)?;
    targets::guard_target(dir.db(), actor, user).await
}

pub(crate) async fn store(
    dir: &Directory,
    actor: &Actor,
    user: &User,
    upload: Vec<u8>,
) -> Result<()> {
    may_change(dir, actor, user).await?;
    let png = tokio::task::spawn_blocking(move || reencode(&upload))
        .await
        .map_err(|e| Error::Internal(format!("avatar task: {e}")))??;
    let now = dir.now();
    let txn = crate::changes::Change::begin(dir).await?;
    avatars::Entity::insert(avatars::ActiveModel {
        user_id: Set(user.id.0),
        content_type: Set("image/png".into()),
        data: Set(png),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(avatars::Column::UserId)
            .update_columns([
                avatars::Column::ContentType,
                avatars::Column::Data,
                avatars::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    let entry = Entry::new("user.avatar.set").target("user", user.id, user.username.as_str());
    audit::record(&txn, actor, now, entry).await?;
    txn.commit().await?;
    Ok(())
}

pub(crate) async fn remove(dir: &Directory, actor: &Actor, user: &User) -> Result<()> {
    may_change(dir, actor, user).await?;
    let now = dir.now();
    let txn = crate::changes::Change::begin(dir).await?;
    let removed = avatars::Entity::delete_by_id(user.id.0).exec(&txn).await?;
    if removed.rows_affected > 0 {
        let entry =
            Entry::new("user.avatar.remove").target("user", user.id, user.username.as_str());
        audit::record(&txn, actor, now, entry).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The avatars service: reading them (for the image route) and admins changing others'.
pub struct Avatars<'a> {
    pub(crate) dir: &'a Directory,
}

impl Avatars<'_> {
    /// Anyone signed in may see anyone's avatar, as in every directory's address book.
    pub async fn get(&self, actor: &Actor, id: UserId) -> Result<Option<Avatar>> {
        if actor.user_id().is_none() && !actor.can(Permission::UsersRead) {
            return Err(Error::Unauthenticated);
        }
        Ok(avatars::Entity::find_by_id(id.0)
            .one(self.dir.db())
            .await?
            .map(|row| Avatar {
                content_type: row.content_type,
                data: row.data,
                updated_at: row.updated_at,
            }))
    }

    /// Whether the user has an avatar, without loading the picture.
    pub async fn exists(&self, id: UserId) -> Result<bool> {
        use sea_orm::PaginatorTrait;
        Ok(avatars::Entity::find_by_id(id.0)
            .count(self.dir.db())
            .await?
            > 0)
    }

    pub async fn set(&self, actor: &Actor, id: UserId, upload: Vec<u8>) -> Result<()> {
        let user = self.dir.users().existing(id).await?;
        store(self.dir, actor, &user, upload).await
    }

    pub async fn remove(&self, actor: &Actor, id: UserId) -> Result<()> {
        let user = self
            .dir
            .users()
            .find(id)
            .await?
            .ok_or(Error::NotFound("user"))?;
        remove(self.dir, actor, &user).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    fn png(width: u32, height: u32) -> std::result::Result<Vec<u8>, image::ImageError> {
        let picture = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 90]));
        let mut out = Vec::new();
        picture.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)?;
        Ok(out)
    }

    #[test]
    fn uploads_become_square_pngs() -> TestResult {
        let stored = reencode(&png(600, 300)?)?;
        let back = image::load_from_memory(&stored)?;
        assert_eq!((back.width(), back.height()), (SIZE, SIZE));
        assert_eq!(image::guess_format(&stored)?, ImageFormat::Png);
        Ok(())
    }

    #[test]
    fn other_files_are_refused_with_a_field_error() {
        for bad in [&b""[..], b"GIF89a....", b"not a picture at all"] {
            let err = reencode(bad).unwrap_err();
            assert_eq!(err.field(), Some("avatar"), "{err}");
        }
        let huge = vec![0u8; MAX_UPLOAD + 1];
        assert!(reencode(&huge).unwrap_err().to_string().contains("1 MiB"));
    }
}
