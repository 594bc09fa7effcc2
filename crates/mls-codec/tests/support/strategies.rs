//! Proptest strategies generating well-formed values of the wire structs.

use mls_codec::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// Byte strings whose length headers use 1 and 2 bytes.
pub fn bytes() -> impl Strategy<Value = VLBytes> {
    prop_oneof![
        4 => vec(any::<u8>(), 0..70),
        1 => vec(any::<u8>(), 60..300),
    ]
    .prop_map(VLBytes::new)
}

fn small_bytes() -> impl Strategy<Value = VLBytes> {
    vec(any::<u8>(), 0..40).prop_map(VLBytes::new)
}

fn hpke_key() -> impl Strategy<Value = HpkePublicKey> {
    small_bytes().prop_map(HpkePublicKey)
}

fn sig_key() -> impl Strategy<Value = SignaturePublicKey> {
    small_bytes().prop_map(SignaturePublicKey)
}

pub fn credential() -> impl Strategy<Value = Credential> {
    prop_oneof![
        small_bytes().prop_map(|identity| Credential::Basic { identity }),
        vec(
            small_bytes().prop_map(|cert_data| Certificate { cert_data }),
            0..3
        )
        .prop_map(|certificates| Credential::X509 { certificates }),
        (3u16.., small_bytes()).prop_map(|(credential_type, data)| Credential::Unknown {
            credential_type,
            data
        }),
    ]
}

fn known_extension() -> impl Strategy<Value = Extension> {
    prop_oneof![
        small_bytes()
            .prop_map(|application_id| ApplicationId { application_id }
                .pipe(|p| Extension::from_payload(&p))),
        (
            vec(any::<u16>().prop_map(ExtensionType), 0..3),
            vec(any::<u16>().prop_map(ProposalType), 0..3),
            vec(any::<u16>().prop_map(CredentialType), 0..3)
        )
            .prop_map(|(extension_types, proposal_types, credential_types)| {
                RequiredCapabilities {
                    extension_types,
                    proposal_types,
                    credential_types,
                }
                .pipe(|p| Extension::from_payload(&p))
            }),
        hpke_key().prop_map(
            |external_pub| ExternalPub { external_pub }.pipe(|p| Extension::from_payload(&p))
        ),
        vec(
            (sig_key(), credential()).prop_map(|(signature_key, credential)| ExternalSender {
                signature_key,
                credential
            }),
            0..2
        )
        .prop_map(|s| ExternalSenders(s).pipe(|p| Extension::from_payload(&p))),
    ]
    .prop_map(|r| r.expect("encodable payload"))
}

/// Unknown, GREASE and known extensions.
pub fn extension() -> impl Strategy<Value = Extension> {
    prop_oneof![
        (6u16.., small_bytes()).prop_map(|(t, extension_data)| Extension {
            extension_type: ExtensionType(t),
            extension_data
        }),
        (
            proptest::sample::select(GREASE_VALUES.to_vec()),
            small_bytes()
        )
            .prop_map(|(t, extension_data)| Extension {
                extension_type: ExtensionType(t),
                extension_data
            }),
        known_extension(),
    ]
}

fn extensions() -> impl Strategy<Value = Vec<Extension>> {
    vec(extension(), 0..3)
}

pub fn capabilities() -> impl Strategy<Value = Capabilities> {
    (
        vec(any::<u16>().prop_map(ProtocolVersion), 0..3),
        vec(any::<u16>().prop_map(CipherSuiteId), 0..4),
        vec(any::<u16>().prop_map(ExtensionType), 0..3),
        vec(any::<u16>().prop_map(ProposalType), 0..3),
        vec(any::<u16>().prop_map(CredentialType), 0..3),
    )
        .prop_map(
            |(versions, cipher_suites, extensions, proposals, credentials)| Capabilities {
                versions,
                cipher_suites,
                extensions,
                proposals,
                credentials,
            },
        )
}

pub fn leaf_node_source() -> impl Strategy<Value = LeafNodeSource> {
    prop_oneof![
        (any::<u64>(), any::<u64>()).prop_map(|(not_before, not_after)| {
            LeafNodeSource::KeyPackage(Lifetime {
                not_before,
                not_after,
            })
        }),
        Just(LeafNodeSource::Update),
        small_bytes().prop_map(LeafNodeSource::Commit),
    ]
}

pub fn leaf_node_with(
    source: impl Strategy<Value = LeafNodeSource>,
) -> impl Strategy<Value = LeafNode> {
    (
        hpke_key(),
        sig_key(),
        credential(),
        capabilities(),
        source,
        extensions(),
        bytes(),
    )
        .prop_map(
            |(
                encryption_key,
                signature_key,
                credential,
                capabilities,
                leaf_node_source,
                extensions,
                signature,
            )| LeafNode {
                encryption_key,
                signature_key,
                credential,
                capabilities,
                leaf_node_source,
                extensions,
                signature,
            },
        )
}

pub fn leaf_node() -> impl Strategy<Value = LeafNode> {
    leaf_node_with(leaf_node_source())
}

pub fn key_package() -> impl Strategy<Value = KeyPackage> {
    (
        any::<u16>(),
        any::<u16>(),
        hpke_key(),
        leaf_node(),
        extensions(),
        bytes(),
    )
        .prop_map(
            |(v, cs, init_key, leaf_node, extensions, signature)| KeyPackage {
                version: ProtocolVersion(v),
                cipher_suite: CipherSuiteId(cs),
                init_key,
                leaf_node,
                extensions,
                signature,
            },
        )
}

pub fn node() -> impl Strategy<Value = Node> {
    prop_oneof![
        leaf_node().prop_map(Node::Leaf),
        (hpke_key(), small_bytes(), vec(any::<u32>(), 0..4)).prop_map(
            |(encryption_key, parent_hash, unmerged_leaves)| Node::Parent(ParentNode {
                encryption_key,
                parent_hash,
                unmerged_leaves
            })
        ),
    ]
}

pub fn ratchet_tree() -> impl Strategy<Value = RatchetTree> {
    vec(option::of(node()), 0..6).prop_map(RatchetTree::from_nodes)
}

fn hpke_ciphertext() -> impl Strategy<Value = HpkeCiphertext> {
    (small_bytes(), small_bytes()).prop_map(|(kem_output, ciphertext)| HpkeCiphertext {
        kem_output,
        ciphertext,
    })
}

pub fn update_path() -> impl Strategy<Value = UpdatePath> {
    (
        leaf_node(),
        vec(
            (hpke_key(), vec(hpke_ciphertext(), 0..3)).prop_map(
                |(encryption_key, encrypted_path_secret)| UpdatePathNode {
                    encryption_key,
                    encrypted_path_secret,
                },
            ),
            0..3,
        ),
    )
        .prop_map(|(leaf_node, nodes)| UpdatePath { leaf_node, nodes })
}

pub fn group_context() -> impl Strategy<Value = GroupContext> {
    (
        any::<u16>(),
        small_bytes(),
        any::<u64>(),
        small_bytes(),
        small_bytes(),
        extensions(),
    )
        .prop_map(
            |(cs, group_id, epoch, tree_hash, confirmed_transcript_hash, extensions)| {
                GroupContext {
                    version: ProtocolVersion::MLS10,
                    cipher_suite: CipherSuiteId(cs),
                    group_id,
                    epoch,
                    tree_hash,
                    confirmed_transcript_hash,
                    extensions,
                }
            },
        )
}

pub fn psk_id() -> impl Strategy<Value = PreSharedKeyId> {
    let usage = prop_oneof![
        Just(ResumptionPskUsage::Application),
        Just(ResumptionPskUsage::Reinit),
        Just(ResumptionPskUsage::Branch),
    ];
    let psk = prop_oneof![
        small_bytes().prop_map(|psk_id| Psk::External { psk_id }),
        (usage, small_bytes(), any::<u64>()).prop_map(|(usage, psk_group_id, psk_epoch)| {
            Psk::Resumption {
                usage,
                psk_group_id,
                psk_epoch,
            }
        }),
    ];
    (psk, small_bytes()).prop_map(|(psk, psk_nonce)| PreSharedKeyId { psk, psk_nonce })
}

pub fn proposal() -> impl Strategy<Value = Proposal> {
    prop_oneof![
        key_package().prop_map(|key_package| Proposal::from(Add { key_package })),
        leaf_node_with(Just(LeafNodeSource::Update))
            .prop_map(|leaf_node| Proposal::from(Update { leaf_node })),
        any::<u32>().prop_map(|removed| Proposal::Remove(Remove { removed })),
        psk_id().prop_map(|psk| Proposal::from(PreSharedKeyProposal { psk })),
        (small_bytes(), any::<u16>(), any::<u16>(), extensions()).prop_map(
            |(group_id, v, cs, extensions)| Proposal::from(ReInit {
                group_id,
                version: ProtocolVersion(v),
                cipher_suite: CipherSuiteId(cs),
                extensions
            })
        ),
        small_bytes().prop_map(|kem_output| Proposal::ExternalInit(ExternalInit { kem_output })),
        extensions().prop_map(|extensions| Proposal::GroupContextExtensions(
            GroupContextExtensions { extensions }
        )),
        (8u16.., small_bytes()).prop_map(|(proposal_type, data)| Proposal::Unknown {
            proposal_type,
            data
        }),
    ]
}

pub fn commit() -> impl Strategy<Value = Commit> {
    (
        vec(
            prop_oneof![
                proposal().prop_map(ProposalOrRef::Proposal),
                small_bytes().prop_map(ProposalOrRef::Reference),
            ],
            0..3,
        ),
        option::of(update_path()),
    )
        .prop_map(|(proposals, path)| Commit { proposals, path })
}

fn sender() -> impl Strategy<Value = Sender> {
    prop_oneof![
        any::<u32>().prop_map(Sender::Member),
        any::<u32>().prop_map(Sender::External),
        Just(Sender::NewMemberProposal),
        Just(Sender::NewMemberCommit),
    ]
}

pub fn framed_content() -> impl Strategy<Value = FramedContent> {
    let body = prop_oneof![
        bytes().prop_map(FramedContentBody::Application),
        proposal().prop_map(FramedContentBody::Proposal),
        commit().prop_map(FramedContentBody::Commit),
    ];
    (small_bytes(), any::<u64>(), sender(), small_bytes(), body).prop_map(
        |(group_id, epoch, sender, authenticated_data, content)| FramedContent {
            group_id,
            epoch,
            sender,
            authenticated_data,
            content,
        },
    )
}

/// Auth data consistent with `content` (tag iff commit).
fn auth_for(content: &FramedContent, signature: VLBytes, tag: VLBytes) -> FramedContentAuthData {
    FramedContentAuthData {
        signature,
        confirmation_tag: (content.content_type() == ContentType::Commit).then_some(tag),
    }
}

pub fn public_message() -> impl Strategy<Value = PublicMessage> {
    (framed_content(), bytes(), small_bytes(), small_bytes()).prop_map(
        |(content, signature, tag, membership)| PublicMessage {
            auth: auth_for(&content, signature, tag),
            membership_tag: matches!(content.sender, Sender::Member(_)).then_some(membership),
            content,
        },
    )
}

fn content_type() -> impl Strategy<Value = ContentType> {
    prop_oneof![
        Just(ContentType::Application),
        Just(ContentType::Proposal),
        Just(ContentType::Commit),
    ]
}

pub fn private_message() -> impl Strategy<Value = PrivateMessage> {
    (
        small_bytes(),
        any::<u64>(),
        content_type(),
        small_bytes(),
        small_bytes(),
        bytes(),
    )
        .prop_map(
            |(
                group_id,
                epoch,
                content_type,
                authenticated_data,
                encrypted_sender_data,
                ciphertext,
            )| {
                PrivateMessage {
                    group_id,
                    epoch,
                    content_type,
                    authenticated_data,
                    encrypted_sender_data,
                    ciphertext,
                }
            },
        )
}

pub fn private_message_content() -> impl Strategy<Value = PrivateMessageContent> {
    (framed_content(), bytes(), small_bytes(), 0usize..100).prop_map(
        |(content, signature, tag, padding_len)| PrivateMessageContent {
            auth: auth_for(&content, signature, tag),
            content: content.content,
            padding_len,
        },
    )
}

pub fn group_info() -> impl Strategy<Value = GroupInfo> {
    (
        group_context(),
        extensions(),
        small_bytes(),
        any::<u32>(),
        bytes(),
    )
        .prop_map(
            |(group_context, extensions, confirmation_tag, signer, signature)| GroupInfo {
                group_context,
                extensions,
                confirmation_tag,
                signer,
                signature,
            },
        )
}

pub fn group_secrets() -> impl Strategy<Value = GroupSecrets> {
    (
        small_bytes(),
        option::of(small_bytes().prop_map(|path_secret| PathSecret { path_secret })),
        vec(psk_id(), 0..3),
    )
        .prop_map(|(joiner_secret, path_secret, psks)| GroupSecrets {
            joiner_secret,
            path_secret,
            psks,
        })
}

pub fn welcome() -> impl Strategy<Value = Welcome> {
    (
        any::<u16>(),
        vec(
            (small_bytes(), hpke_ciphertext()).prop_map(|(new_member, encrypted_group_secrets)| {
                EncryptedGroupSecrets {
                    new_member,
                    encrypted_group_secrets,
                }
            }),
            0..3,
        ),
        bytes(),
    )
        .prop_map(|(cs, secrets, encrypted_group_info)| Welcome {
            cipher_suite: CipherSuiteId(cs),
            secrets,
            encrypted_group_info,
        })
}

pub fn mls_message() -> impl Strategy<Value = MlsMessage> {
    prop_oneof![
        public_message().prop_map(MlsMessageBody::PublicMessage),
        private_message().prop_map(MlsMessageBody::PrivateMessage),
        welcome().prop_map(MlsMessageBody::Welcome),
        group_info().prop_map(MlsMessageBody::GroupInfo),
        key_package().prop_map(MlsMessageBody::KeyPackage),
    ]
    .prop_map(MlsMessage::new)
}

/// `x.pipe(f)` = `f(x)`, to keep the strategy chains readable.
trait Pipe: Sized {
    fn pipe<R>(self, f: impl FnOnce(Self) -> R) -> R {
        f(self)
    }
}
impl<T> Pipe for T {}
