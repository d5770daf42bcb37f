package vapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/outbound-go/outbound/channel"
)

// File is a file uploaded to Vapi for an assistant's knowledge.
type File struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"` // processing, done or failed
}

// knowledgeFormats are the file types Vapi parses for knowledge.
var knowledgeFormats = map[string]bool{".txt": true, ".pdf": true, ".docx": true, ".doc": true, ".csv": true, ".md": true,
	".tsv": true, ".yaml": true, ".json": true, ".xml": true, ".log": true}

// maxKnowledgeFile bounds one upload.
const maxKnowledgeFile = 100 << 20

// UploadKnowledge uploads one document for assistants' knowledge (POST
// /file, purpose knowledge-base-v2): a product sheet, a price list, an
// FAQ the assistant answers from (VO-001). name's extension must be one
// Vapi parses (.txt, .pdf, .docx, .doc, .csv, .md, .tsv, .yaml, .json,
// .xml, .log).
func (c *Channel) UploadKnowledge(ctx context.Context, name string, r io.Reader) (File, error) {
	if !knowledgeFormats[strings.ToLower(path.Ext(name))] {
		return File{}, &channel.ValidationError{Field: "name", Value: name, Reason: "Vapi parses .txt, .pdf, .docx, .doc, .csv, .md, .tsv, .yaml, .json, .xml and .log files"}
	}
	data, err := io.ReadAll(io.LimitReader(r, maxKnowledgeFile+1))
	if err != nil {
		return File{}, fmt.Errorf("vapi: reading %s: %w", name, err)
	}
	if len(data) > maxKnowledgeFile {
		return File{}, &channel.ValidationError{Field: "file", Value: name, Reason: "larger than 100 MiB"}
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", path.Base(name))
	if err == nil {
		_, err = part.Write(data)
	}
	if err == nil {
		err = w.WriteField("purpose", "knowledge-base-v2")
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return File{}, fmt.Errorf("vapi: %w", err)
	}
	var f File
	if err := c.doType(ctx, http.MethodPost, "/file", nil, body.Bytes(), w.FormDataContentType(), &f); err != nil {
		return File{}, fmt.Errorf("vapi: upload %s: %w", name, err)
	}
	return f, nil
}

// CreateKnowledgeBase makes a knowledge base of uploaded files (POST
// /v2/knowledge-base, then POST /v2/knowledge-base/{id}/file for each) and
// returns its ID, which the host attaches to its assistant.
func (c *Channel) CreateKnowledgeBase(ctx context.Context, name, description string, fileIDs ...string) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", &channel.ValidationError{Field: "name", Reason: "required"}
	}
	body, _ := json.Marshal(map[string]string{"name": name, "description": description})
	var kb struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, http.MethodPost, "/v2/knowledge-base", nil, body, &kb); err != nil {
		return "", fmt.Errorf("vapi: knowledge base %s: %w", name, err)
	}
	for _, id := range fileIDs {
		b, _ := json.Marshal(map[string]string{"fileId": id})
		var out json.RawMessage
		if err := c.do(ctx, http.MethodPost, "/v2/knowledge-base/"+url.PathEscape(kb.ID)+"/file", nil, b, &out); err != nil {
			return kb.ID, fmt.Errorf("vapi: adding file %s to knowledge base %s: %w", id, kb.ID, err)
		}
	}
	return kb.ID, nil
}
