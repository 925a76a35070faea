//! Typed identifiers: an id of one table cannot be passed where another is expected.

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id!(
    PersonId,
    EstablishmentId,
    TerritoryId,
    PartnerId,
    PracticeId,
    MediaId,
    SpaceId,
    PostId,
    TopicId,
    MessageId,
    CategoryId,
    EntryId,
    VersionId,
    RoomId,
    ChatMessageId,
    PadId,
    SnapshotId,
    ObservatoryId,
    VisitRequestId,
    VisitId,
    AssessmentId,
    EventId,
    LabRoomId,
    BookingId,
    ModuleId,
    TrainingSessionId,
    PathId,
    StepId,
);
