export default TextEncoder;
