package provider

import (
	"strings"
	"unicode"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/secure-aks/secure-aks/components"
)

// The library's enumerations as schema enums, so that the TypeScript and
// Python SDKs have them as types. Each lists the library's own constants:
// a value added there without being added here fails
// TestEnumsListTheLibrarysValues.

// ClusterTier is components.ClusterTier.
type ClusterTier string

func (ClusterTier) Values() []infer.EnumValue[ClusterTier] {
	return enumValues[ClusterTier](components.ClusterTierFree, components.ClusterTierStandard, components.ClusterTierPremium)
}

// NetworkPolicy is components.NetworkPolicy.
type NetworkPolicy string

func (NetworkPolicy) Values() []infer.EnumValue[NetworkPolicy] {
	return enumValues[NetworkPolicy](components.NetworkPolicyCilium, components.NetworkPolicyAzure, components.NetworkPolicyCalico, components.NetworkPolicyNone)
}

// UpgradeChannel is components.UpgradeChannel.
type UpgradeChannel string

func (UpgradeChannel) Values() []infer.EnumValue[UpgradeChannel] {
	return enumValues[UpgradeChannel](components.UpgradeChannelPatch, components.UpgradeChannelStable, components.UpgradeChannelRapid, components.UpgradeChannelNodeImage, components.UpgradeChannelNone)
}

// NodeOSUpgradeChannel is components.NodeOSUpgradeChannel.
type NodeOSUpgradeChannel string

func (NodeOSUpgradeChannel) Values() []infer.EnumValue[NodeOSUpgradeChannel] {
	return enumValues[NodeOSUpgradeChannel](components.NodeOSUpgradeChannelNodeImage, components.NodeOSUpgradeChannelSecurityPatch, components.NodeOSUpgradeChannelUnmanaged, components.NodeOSUpgradeChannelNone)
}

// NodeOSSKU is components.NodeOSSKU.
type NodeOSSKU string

func (NodeOSSKU) Values() []infer.EnumValue[NodeOSSKU] {
	return enumValues[NodeOSSKU](components.NodeOSSKUAzureLinux, components.NodeOSSKUUbuntu)
}

// OSDiskType is components.OSDiskType.
type OSDiskType string

func (OSDiskType) Values() []infer.EnumValue[OSDiskType] {
	return enumValues[OSDiskType](components.OSDiskTypeEphemeral, components.OSDiskTypeManaged)
}

// RegistrySKU is components.RegistrySKU.
type RegistrySKU string

func (RegistrySKU) Values() []infer.EnumValue[RegistrySKU] {
	return enumValues[RegistrySKU](components.RegistrySKUBasic, components.RegistrySKUStandard, components.RegistrySKUPremium)
}

// VaultSKU is components.VaultSKU.
type VaultSKU string

func (VaultSKU) Values() []infer.EnumValue[VaultSKU] {
	return enumValues[VaultSKU](components.VaultSKUStandard, components.VaultSKUPremium)
}

// NetworkAction is components.NetworkAction.
type NetworkAction string

func (NetworkAction) Values() []infer.EnumValue[NetworkAction] {
	return enumValues[NetworkAction](components.NetworkActionAllow, components.NetworkActionDeny)
}

// IdentityKind is components.IdentityKind.
type IdentityKind string

func (IdentityKind) Values() []infer.EnumValue[IdentityKind] {
	return enumValues[IdentityKind](components.IdentityKindManagedIdentity, components.IdentityKindApplication)
}

// ObjectType is components.ObjectType.
type ObjectType string

func (ObjectType) Values() []infer.EnumValue[ObjectType] {
	return enumValues[ObjectType](components.ObjectTypeSecret, components.ObjectTypeCert, components.ObjectTypeKey)
}

// PrincipalType is components.PrincipalType.
type PrincipalType string

func (PrincipalType) Values() []infer.EnumValue[PrincipalType] {
	return enumValues[PrincipalType](components.PrincipalTypeUser, components.PrincipalTypeServicePrincipal, components.PrincipalTypeGroup)
}

// enumValues lists library constants as a schema enum's values, each named
// as a code identifier ("node-image" is NodeImage).
func enumValues[P ~string, L ~string](values ...L) []infer.EnumValue[P] {
	out := make([]infer.EnumValue[P], len(values))
	for i, v := range values {
		out[i] = infer.EnumValue[P]{Name: identifier(string(v)), Value: P(v)}
	}
	return out
}

// identifier turns "node-image" into "NodeImage" and "RBAC" into "RBAC".
func identifier(v string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// VaultAuthorization is components.VaultAuthorization.
type VaultAuthorization string

func (VaultAuthorization) Values() []infer.EnumValue[VaultAuthorization] {
	return enumValues[VaultAuthorization](components.VaultAuthorizationRBAC, components.VaultAuthorizationAccessPolicy)
}

// enum returns an optional enum input's value, "" (the library's default)
// when it is not set.
func enum[T ~string](v *T) string {
	if v == nil {
		return ""
	}
	return string(*v)
}
