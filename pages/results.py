import streamlit as st

st.title('results')
st.write('Placeholder page; being built.')
