//! `tutors`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Tutors {
    Table,
    Id,
    ExternalId,
    Name,
    Email,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tutors::Table)
                    .col(pk_uuid(Tutors::Id))
                    .col(string_len_uniq(Tutors::ExternalId, 200))
                    .col(string_len(Tutors::Name, 200))
                    .col(string_len(Tutors::Email, 320))
                    .col(boolean(Tutors::Active).default(true))
                    .col(timestamp_with_time_zone(Tutors::CreatedAt))
                    .col(timestamp_with_time_zone(Tutors::UpdatedAt))
                    .check((
                        "tutors_external_id_not_blank",
                        Expr::cust("length(trim(external_id)) > 0"),
                    ))
                    .to_owned(),
            )
            .await?;
        // Sorting by name pages with (name, id) as the stable tie-break.
        manager
            .create_index(
                Index::create()
                    .name("idx_tutors_name_id")
                    .table(Tutors::Table)
                    .col(Tutors::Name)
                    .col(Tutors::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Tutors::Table).to_owned())
            .await
    }
}
