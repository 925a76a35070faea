//! The strategic project of an académie (seed 003): axes, their objectives, and under each
//! objective its levers and its evaluation criteria (the seed lists both under the
//! objective, not the criteria under the levers); indicators hang from criteria.

/// What a node of the project is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Axis,
    Objective,
    Lever,
    Criterion,
}

impl NodeKind {
    pub const ALL: [Self; 4] = [Self::Axis, Self::Objective, Self::Lever, Self::Criterion];

    pub fn code(self) -> &'static str {
        match self {
            Self::Axis => "axe",
            Self::Objective => "objectif",
            Self::Lever => "levier",
            Self::Criterion => "critere",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Axis => "Axe",
            Self::Objective => "Objectif",
            Self::Lever => "Levier",
            Self::Criterion => "Critère d'évaluation",
        }
    }

    /// What it hangs from: an objective from an axis, a lever or a criterion from an
    /// objective; an axis from nothing.
    pub fn parent(self) -> Option<Self> {
        match self {
            Self::Axis => None,
            Self::Objective => Some(Self::Axis),
            Self::Lever | Self::Criterion => Some(Self::Objective),
        }
    }

    /// Whether a node of this kind may hang from `parent` (none: the project's root).
    pub fn fits_under(self, parent: Option<Self>) -> Result<(), String> {
        if parent == self.parent() {
            return Ok(());
        }
        Err(match self.parent() {
            None => "un axe se place à la racine du projet".to_owned(),
            Some(expected) => format!(
                "un {} se place sous un {}",
                self.label().to_lowercase(),
                expected.label().to_lowercase()
            ),
        })
    }
}

/// Whether a person steers an académie's project (seed 003: the Conseil pédagogique
/// académique and the DAIPP): its IA-IPR, IEN and chargés de mission.
pub fn steers(
    function: Option<crate::accounts::Function>,
    own_academie: Option<&str>,
    academie: &str,
) -> bool {
    use crate::accounts::Function;
    own_academie == Some(academie)
        && matches!(
            function,
            Some(Function::IaIpr | Function::Ien | Function::ChargeDeMission)
        )
}

/// A title of the project or of an indicator: 1 to 500 characters, spaces tidied.
pub fn title(text: &str, what: &str) -> Result<String, String> {
    let text = crate::text::one_line(text);
    match text.chars().count() {
        0 => Err(format!("{what} : le texte est vide")),
        n if n > 500 => Err(format!("{what} : 500 caractères au plus ({n} écrits)")),
        _ => Ok(text),
    }
}

/// A node as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: i64,
    pub parent: Option<i64>,
    pub kind: NodeKind,
    pub position: i64,
    pub title: String,
    pub description: String,
}

/// An objective with its levers and criteria.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub node: Node,
    pub levers: Vec<Node>,
    pub criteria: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub node: Node,
    pub objectives: Vec<Objective>,
}

/// The project's tree from its nodes, each level in its positions' order.
pub fn tree(mut nodes: Vec<Node>) -> Vec<Axis> {
    nodes.sort_by_key(|n| (n.position, n.id));
    let under = |parent: i64, kind: NodeKind| -> Vec<Node> {
        nodes
            .iter()
            .filter(|n| n.parent == Some(parent) && n.kind == kind)
            .cloned()
            .collect()
    };
    nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Axis)
        .map(|axis| Axis {
            node: axis.clone(),
            objectives: under(axis.id, NodeKind::Objective)
                .into_iter()
                .map(|o| Objective {
                    levers: under(o.id, NodeKind::Lever),
                    criteria: under(o.id, NodeKind::Criterion),
                    node: o,
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // DESIGN.md habit 9: denied outside tests.
mod tests {
    use super::*;

    #[test]
    fn each_kind_hangs_from_its_own_parent() {
        assert!(NodeKind::Axis.fits_under(None).is_ok());
        assert!(NodeKind::Objective.fits_under(Some(NodeKind::Axis)).is_ok());
        assert!(
            NodeKind::Criterion
                .fits_under(Some(NodeKind::Objective))
                .is_ok()
        );
        assert_eq!(
            NodeKind::Lever
                .fits_under(Some(NodeKind::Axis))
                .unwrap_err(),
            "un levier se place sous un objectif"
        );
        assert_eq!(
            NodeKind::Axis.fits_under(Some(NodeKind::Axis)).unwrap_err(),
            "un axe se place à la racine du projet"
        );
        assert_eq!(
            title("  Mieux   apprendre ", "Titre").unwrap(),
            "Mieux apprendre"
        );
        use crate::accounts::Function;
        assert!(steers(Some(Function::IaIpr), Some("06"), "06"));
        assert!(
            !steers(Some(Function::IaIpr), Some("09"), "06"),
            "another académie"
        );
        assert!(!steers(Some(Function::Enseignant1d), Some("06"), "06"));
        assert!(title(" ", "Titre").unwrap_err().contains("vide"));
        assert!(
            title(&"a".repeat(501), "Titre")
                .unwrap_err()
                .contains("500")
        );
    }

    #[test]
    fn the_tree_follows_positions() {
        let node = |id, parent, kind, position| Node {
            id,
            parent,
            kind,
            position,
            title: format!("n{id}"),
            description: String::new(),
        };
        let axes = tree(vec![
            node(4, Some(1), NodeKind::Criterion, 1),
            node(2, None, NodeKind::Axis, 2),
            node(1, None, NodeKind::Axis, 1),
            node(3, Some(1), NodeKind::Objective, 1),
            node(5, Some(3), NodeKind::Lever, 2),
            node(6, Some(3), NodeKind::Lever, 1),
            node(7, Some(3), NodeKind::Criterion, 1),
        ]);
        assert_eq!(axes.iter().map(|a| a.node.id).collect::<Vec<_>>(), [1, 2]);
        let objective = &axes[0].objectives[0];
        assert_eq!(
            objective.levers.iter().map(|n| n.id).collect::<Vec<_>>(),
            [6, 5]
        );
        assert_eq!(
            objective.criteria.iter().map(|n| n.id).collect::<Vec<_>>(),
            [7]
        );
        // A criterion misplaced under an axis is not drawn.
        assert!(
            axes[0]
                .objectives
                .iter()
                .all(|o| o.criteria.iter().all(|c| c.id != 4))
        );
    }
}
